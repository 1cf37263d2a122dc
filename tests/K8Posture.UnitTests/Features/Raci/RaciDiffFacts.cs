using K8Posture.Features.Raci;

namespace K8Posture.UnitTests.Features.Raci;

public sealed class RaciDiffFacts
{
    private static RaciMatrix Base()
    {
        var matrix = new RaciMatrix
        {
            Activities = [new RaciActivity { Key = "inventory", Name = "Inventory", Description = "List clusters" }],
            Parties = [new RaciParty { Key = "security", Name = "Security", Kind = RaciPartyKind.Role }, new RaciParty { Key = "network", Name = "Network", Kind = RaciPartyKind.Role }],
        };
        matrix.Set("inventory", "security", RaciRole.Accountable);
        matrix.Set("inventory", "network", RaciRole.Consulted);
        return matrix;
    }

    [Fact]
    public void Identical_versions_have_no_changes()
    {
        Assert.Empty(RaciDiff.Compute(Base(), Base()));
    }

    [Fact]
    public void A_changed_cell_is_named_with_activity_party_and_letters()
    {
        var after = Base();
        after.Set("inventory", "network", RaciRole.Responsible | RaciRole.Consulted);

        var change = Assert.Single(RaciDiff.Compute(Base(), after));

        Assert.Equal(RaciChangeKind.CellChanged, change.Kind);
        Assert.Equal("Inventory × Network: C → R/C", change.Text);
    }

    [Fact]
    public void Added_party_retired_activity_and_cleared_cell_are_all_reported()
    {
        var after = Base();
        after.Parties.Add(new RaciParty { Key = "crowdstrike", Name = "CrowdStrike", Kind = RaciPartyKind.Vendor });
        after.Set("inventory", "crowdstrike", RaciRole.Informed);
        after.Set("inventory", "security", RaciRole.None);
        after.Activities[0].Retired = true;

        var texts = RaciDiff.Compute(Base(), after).Select(c => c.Text).ToList();

        Assert.Contains("Party added: CrowdStrike (Vendor)", texts);
        Assert.Contains("Activity retired: Inventory", texts);
        Assert.Contains("Inventory × Security: A → —", texts);
        Assert.Contains("Inventory × CrowdStrike: — → I", texts);
        Assert.Equal(4, texts.Count);
    }

    [Fact]
    public void The_diff_works_in_either_direction()
    {
        var after = Base();
        after.Activities.Add(new RaciActivity { Key = "secrets", Name = "Secrets" });

        Assert.Equal(RaciChangeKind.ActivityAdded, Assert.Single(RaciDiff.Compute(Base(), after)).Kind);
        Assert.Equal(RaciChangeKind.ActivityRemoved, Assert.Single(RaciDiff.Compute(after, Base())).Kind);
    }

    [Fact]
    public void Normalising_drops_cells_of_unknown_parties_and_keeps_party_order()
    {
        var matrix = Base();
        matrix.Cells["inventory"]["ghost"] = "R";
        matrix.Cells["nowhere"] = new Dictionary<string, string> { ["security"] = "A" };

        var normalised = matrix.Normalised();

        Assert.Equal(["security", "network"], normalised.Cells["inventory"].Keys);
        Assert.False(normalised.Cells.ContainsKey("nowhere"));
        Assert.Equal(normalised.ToJson(), RaciMatrix.FromJson(normalised.ToJson()).Normalised().ToJson());
    }
}
