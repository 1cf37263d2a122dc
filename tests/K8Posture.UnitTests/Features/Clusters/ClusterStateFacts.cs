using K8Posture.Features.Clusters;

namespace K8Posture.UnitTests.Features.Clusters;

public sealed class ClusterStateFacts
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static ClusterState Of(bool managed = true, bool connection = true, DateTimeOffset? attempt = null, DateTimeOffset? success = null, string? error = null, int interval = 15) =>
        ClusterState.Of(new ClusterStateColumns(managed, connection, attempt, success, error, interval), Now);

    [Fact]
    public void A_cluster_nobody_registered_is_discovered_only_even_if_it_was_collected_before_unregistering()
    {
        var state = Of(managed: false, connection: false, success: Now.AddDays(-2));
        Assert.Equal(ClusterStateKind.Discovered, state.Kind);
        Assert.Equal("Discovered only", state.Label);
        Assert.Null(state.LastSuccessAt);
        Assert.False(state.IsRegistered);
    }

    [Theory]
    [InlineData(false, null, "no connection is stored")]
    [InlineData(true, null, "the first collection has not run yet")]
    [InlineData(true, "connection refused", "the last collection attempt failed: connection refused")]
    public void A_registered_cluster_never_collected_says_why(bool connection, string? error, string why)
    {
        var state = Of(connection: connection, attempt: error is null ? null : Now.AddMinutes(-5), error: error);
        Assert.Equal(ClusterStateKind.Registered, state.Kind);
        Assert.Equal("Registered", state.Label);
        Assert.Contains(why, state.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recent_success_is_collected_with_its_time()
    {
        var success = Now.AddMinutes(-20);
        var state = Of(attempt: success, success: success);
        Assert.Equal((ClusterStateKind.Collected, false, "Collected"), (state.Kind, state.IsStale, state.Label));
        Assert.Equal(success, state.LastSuccessAt);
        Assert.Contains("2026-12-03 11:40 UTC", state.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_attempt_after_a_success_makes_it_stale_and_keeps_the_last_success()
    {
        var success = Now.AddMinutes(-20);
        var state = Of(attempt: Now.AddMinutes(-2), success: success, error: "certificate expired");
        Assert.Equal((ClusterStateKind.Collected, true, "Collected (stale)"), (state.Kind, state.IsStale, state.Label));
        Assert.Equal(success, state.LastSuccessAt);
        Assert.Contains("certificate expired", state.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(15, 59, false)]
    [InlineData(15, 61, true)]
    [InlineData(60, 179, false)]
    [InlineData(60, 181, true)]
    public void An_old_success_is_stale_after_three_refresh_intervals_and_at_least_an_hour(int interval, int minutesAgo, bool stale)
    {
        var success = Now.AddMinutes(-minutesAgo);
        Assert.Equal(stale, Of(attempt: success, success: success, interval: interval).IsStale);
    }

    [Fact]
    public void The_counts_caption_names_each_state_with_its_word()
    {
        var recent = Now.AddMinutes(-1);
        ClusterState[] states = [Of(attempt: recent, success: recent), Of(), Of(), Of(managed: false, connection: false)];
        Assert.Equal("1 collected · 2 registered · 1 discovered only", ClusterState.CountsCaption(states));
        Assert.Equal("none", ClusterState.CountsCaption([]));
    }
}
