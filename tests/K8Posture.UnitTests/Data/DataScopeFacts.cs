using System.Security.Claims;
using K8Posture.Data;

namespace K8Posture.UnitTests.Data;

public sealed class DataScopeFacts
{
    private static ClaimsPrincipal Person(string name) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, K8Posture.Security.Roles.SecurityAnalyst)], "test", ClaimTypes.Name, ClaimTypes.Role));

    [Fact]
    public void A_system_scope_cannot_be_relabelled_by_another_job_nor_taken_over_by_a_person()
    {
        var scope = new DataScope();
        scope.SetSystem("demo:seed");
        scope.SetSystem("demo:seed");

        Assert.Throws<InvalidOperationException>(() => scope.SetSystem("job:remediation-metrics"));
        Assert.Throws<InvalidOperationException>(() => scope.SetUser(Person("Pat")));
        Assert.Equal("demo:seed", scope.Actor);
        Assert.True(scope.IsSystem);
    }

    [Fact]
    public void A_persons_scope_follows_their_changing_sign_in_but_never_becomes_the_system()
    {
        var scope = new DataScope();
        scope.SetUser(Person("Pat"));
        scope.SetUser(Person("Pat"));

        Assert.Throws<InvalidOperationException>(() => scope.SetSystem("job:landscape-snapshot"));
        Assert.Equal("Pat", scope.Actor);
        Assert.False(scope.IsSystem);
    }

    [Fact]
    public void Acting_for_a_person_requires_a_scope_bound_to_that_person()
    {
        var scope = new DataScope();
        scope.SetUser(Person("Pat"));
        scope.EnsureActsFor(Person("Pat"));
        Assert.Throws<InvalidOperationException>(() => scope.EnsureActsFor(Person("Quinn")));

        var system = new DataScope();
        system.SetSystem("demo:seed");
        Assert.Throws<InvalidOperationException>(() => system.EnsureActsFor(Person("Pat")));
        Assert.Throws<InvalidOperationException>(() => new DataScope().EnsureActsFor(Person("Pat")));
    }
}
