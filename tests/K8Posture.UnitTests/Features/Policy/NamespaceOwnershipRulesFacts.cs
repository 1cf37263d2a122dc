using K8Posture.Features.Policy;
using K8Posture.Shared;

namespace K8Posture.UnitTests.Features.Policy;

public sealed class NamespaceOwnershipRulesFacts
{
    private static readonly Dictionary<string, string> Labels = new() { ["team"] = "Payments", ["owner"] = "Ledger" };
    private static readonly Dictionary<string, string> Annotations = new() { ["contoso.com/team"] = "Platform" };

    [Fact]
    public void By_default_the_team_label_decides()
    {
        var rules = new NamespaceOwnershipRules();
        Assert.Equal("Payments", rules.OwnerOf("prod", "payments", Labels, Annotations));
        Assert.Null(rules.OwnerOf("prod", "payments", null, Annotations));
    }

    [Fact]
    public void An_explicit_mapping_wins_and_a_cluster_specific_one_beats_the_wildcard()
    {
        var rules = new NamespaceOwnershipRules
        {
            Explicit = new() { ["*/payments"] = "Recruiting", ["prod/payments"] = "Campaigns" },
        };
        Assert.Equal("Campaigns", rules.OwnerOf("prod", "payments", Labels, Annotations));
        Assert.Equal("Recruiting", rules.OwnerOf("stage", "payments", Labels, Annotations));
        Assert.Equal("Payments", rules.OwnerOf("stage", "other", Labels, Annotations));
    }

    [Fact]
    public void Label_keys_are_tried_in_order_then_annotation_keys()
    {
        var rules = new NamespaceOwnershipRules { LabelKeys = ["owner", "team"], AnnotationKeys = ["contoso.com/team"] };
        Assert.Equal("Ledger", rules.OwnerOf("prod", "x", Labels, Annotations));
        Assert.Equal("Platform", rules.OwnerOf("prod", "x", new Dictionary<string, string>(), Annotations));
        Assert.Equal("Platform", new NamespaceOwnershipRules { LabelKeys = [], AnnotationKeys = ["contoso.com/team"] }.OwnerOf("prod", "x", Labels, Annotations));
    }

    [Fact]
    public void The_rules_survive_the_stored_form_and_are_normalised()
    {
        var document = PolicyDocument.Default();
        document.NamespaceOwnership = new NamespaceOwnershipRules
        {
            LabelKeys = [" team ", "team", "owner"],
            AnnotationKeys = ["contoso.com/team"],
            Explicit = new() { ["prod/kube-system"] = " Platform " },
        };

        var stored = PolicyDocument.FromJson(document.Normalised().ToJson()).NamespaceOwnership;

        Assert.Equal(["team", "owner"], stored.LabelKeys);
        Assert.Equal(["contoso.com/team"], stored.AnnotationKeys);
        Assert.Equal("Platform", stored.Explicit["prod/kube-system"]);
    }
}
