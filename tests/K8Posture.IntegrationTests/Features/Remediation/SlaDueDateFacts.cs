using System.Net;
using K8Posture.Data;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.IntegrationTests.Features.Remediation;

/// <summary>The due date is first seen + the SLA of the severity, and nothing a pipeline pushes later moves it.</summary>
public sealed class SlaDueDateFacts(RemediationAppFixture fixture) : IClassFixture<RemediationAppFixture>
{
    [Fact]
    public async Task A_re_push_days_later_and_a_close_and_reopen_do_not_reset_the_due_date()
    {
        var app = fixture.App;
        var scope = "image:sla-repush-" + Guid.NewGuid().ToString("N")[..8];
        var report = TestFixtures.Read("trivy/ubuntu-1804.json.golden");
        using var pusher = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        async Task PushAsync(byte[] body) => Assert.Equal(HttpStatusCode.OK, (await pusher.PostAsync($"/api/v1/ingest/scans?scope={scope}", new ByteArrayContent(body))).StatusCode);
        Task<Dictionary<string, (DateTimeOffset FirstSeen, DateTimeOffset? Due, FindingStatus Status)>> ReadAsync() => app.WithDbAsync(db =>
            db.Findings.AsNoTracking().Where(f => f.ScopeKey == scope).ToDictionaryAsync(f => f.Fingerprint, f => (f.FirstSeenAt, f.SlaDueAt, f.Status)));

        await PushAsync(report);
        var first = await ReadAsync();
        Assert.NotEmpty(first);
        Assert.All(first.Values.Where(v => v.Due is not null), v => Assert.Contains((v.Due!.Value - v.FirstSeen).TotalDays, new double[] { 7, 30, 90, 180 }));

        try
        {
            // Ten days later the same report (a new payload: the pipeline's JSON differs by a trailing newline) changes no date.
            fixture.Clock.Offset = TimeSpan.FromDays(10);
            await PushAsync([.. report, (byte)'\n']);
            Assert.Equal(first, await ReadAsync());

            // Twenty days later the image is clean (everything closes), then the findings come back: the dates stay.
            fixture.Clock.Offset = TimeSpan.FromDays(20);
            await PushAsync(TestFixtures.Read("trivy/alpine-310.json.golden"));
            Assert.All((await ReadAsync()).Where(p => first.ContainsKey(p.Key)), p => Assert.Equal(FindingStatus.Closed, p.Value.Status));
            fixture.Clock.Offset = TimeSpan.FromDays(25);
            await PushAsync([.. report, (byte)' ']);
        }
        finally
        {
            fixture.Clock.Offset = TimeSpan.Zero;
        }
        var reopened = (await ReadAsync()).Where(p => first.ContainsKey(p.Key)).ToDictionary();
        Assert.All(reopened.Values, v => Assert.Equal(FindingStatus.Open, v.Status));
        Assert.Equal(first.ToDictionary(p => p.Key, p => (p.Value.FirstSeen, p.Value.Due)), reopened.ToDictionary(p => p.Key, p => (p.Value.FirstSeen, p.Value.Due)));
    }
}
