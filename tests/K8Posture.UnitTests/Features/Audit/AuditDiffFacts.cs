using K8Posture.Features.Audit;

namespace K8Posture.UnitTests.Features.Audit;

public sealed class AuditDiffFacts
{
    [Fact]
    public void Lines_up_nested_values_and_marks_what_changed()
    {
        var lines = AuditDiff.Compute("""{"name":"a","sla":{"critical":7},"tags":["x"]}""", """{"name":"a","sla":{"critical":3},"tags":["x","y"]}""");

        Assert.False(lines.Single(l => l.Path == "name").Changed);
        var critical = lines.Single(l => l.Path == "sla.critical");
        Assert.Equal(("7", "3"), (critical.Before, critical.After));
        var added = lines.Single(l => l.Path == "tags[1]");
        Assert.Null(added.Before);
        Assert.Equal("y", added.After);
    }

    [Fact]
    public void An_event_with_only_an_after_lists_its_values() =>
        Assert.All(AuditDiff.Compute(null, """{"rows":3}"""), l => Assert.Null(l.Before));
}
