using K8Posture.Features.Intel;

namespace K8Posture.UnitTests.Features.Intel;

public sealed class ExposureExplanationFacts
{
    [Fact]
    public void An_exposed_finding_names_every_way_the_collection_found_into_its_workload()
    {
        var text = ExposureExplanation.Of(true, ["Ingress shop.example.com/ → svc/web", "NodePort 30080 → svc/web"], clusterCollected: true);

        Assert.Equal("yes — Ingress shop.example.com/ → svc/web; NodePort 30080 → svc/web", text);
    }

    [Fact]
    public void Without_collected_ways_the_yes_says_where_it_came_from()
    {
        Assert.Equal(ExposureExplanation.FromFindings, ExposureExplanation.Of(true, [], clusterCollected: true));
        Assert.Equal(ExposureExplanation.NamespaceWide, ExposureExplanation.Of(true, [], clusterCollected: false));
    }

    [Fact]
    public void A_finding_not_exposed_says_no_and_the_priority_term_shows_the_explanation()
    {
        Assert.Equal("no", ExposureExplanation.Of(false, [], clusterCollected: true));
        var inputs = new PriorityInputs(K8Posture.Data.FindingSeverity.High, false, null, false, Exposed: true, false, false, false);

        var term = Assert.Single(FindingPriority.Terms(inputs, "yes — Ingress shop.example.com/ → svc/web"), t => t.Input == "Exposed outside the cluster");

        Assert.Equal(("yes — Ingress shop.example.com/ → svc/web", 8), (term.Value, term.Points));
    }
}
