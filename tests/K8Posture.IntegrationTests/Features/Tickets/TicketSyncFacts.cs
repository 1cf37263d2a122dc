using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8Posture.Data;
using K8Posture.Features.Tickets;
using K8Posture.IntegrationTests.Features.Remediation;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace K8Posture.IntegrationTests.Features.Tickets;

/// <summary>Tickets against the fake Jira and Azure DevOps: grouping, idempotency, failures, two-way sync, webhooks, secrets.</summary>
public sealed class TicketSyncFacts(TicketAppFixture fixture, ITestOutputHelper output) : IClassFixture<TicketAppFixture>
{
    private FakeTicketSystems Remote => fixture.Remote;
    private K8PostureAppFactory App => fixture.App;

    private async Task<long[]> SeedImageFindingsAsync(TicketTeam team, string image, int count, int critical = 0) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => App.SeedFindingAsync(team.TeamId, $"openssl flaw {i}",
            i < critical ? FindingSeverity.Critical : FindingSeverity.High, image: image)));

    [Fact]
    public async Task Concurrent_requests_for_the_same_findings_make_one_ticket_with_the_group_title()
    {
        var team = await fixture.TeamAsync();
        var image = "registry.example.com/" + team.Team + "/nginx";
        var ids = await SeedImageFindingsAsync(team, image, 3, critical: 1);
        using var member = await fixture.TeamMemberAsync(team);
        var createsBefore = Remote.Creates;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fixture.CreateTicketsAsync(member, ids)));
        await Task.WhenAll(fixture.RunOutboxAsync(), fixture.RunOutboxAsync());
        await fixture.DrainAsync();

        var tickets = await fixture.TicketsAsync(team);
        var ticket = Assert.Single(tickets);
        Assert.Equal(3, ticket.Findings.Count);
        Assert.Equal(1, results.Sum(r => r.NewTickets));
        Assert.Equal(3, results.Sum(r => r.FindingsLinked));
        Assert.Equal(1, Remote.Creates - createsBefore);
        var issue = Remote.Issue(ticket.RemoteKey!);
        Assert.Equal($"Upgrade {image}:latest → fixes 3 CVEs (1 critical)", issue.Summary);
        Assert.Contains(TicketGroups.Label(ticket.MappingId, ticket.GroupKey), issue.Labels);
        Assert.Contains("security", issue.Labels);
        // The description links every finding back to the portal.
        var description = issue.Description!.ToJsonString();
        Assert.All(ids, id => Assert.Contains($"https://k8posture.example.com/findings?finding={id}", description, StringComparison.Ordinal));
        Assert.Equal(1, (await fixture.OutboxAsync(team)).Count(o => o.Action == TicketActionKind.Create));
        Assert.Contains(await fixture.HistoryAsync(ids[0]), e => e.Kind == FindingEventKind.TicketSynced && e.Detail!.Contains($"Ticket {ticket.RemoteKey} created", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_adopted_by_its_label_not_made_twice()
    {
        var team = await fixture.TeamAsync();
        var ids = await SeedImageFindingsAsync(team, "registry.example.com/" + team.Team + "/api", 2);
        using var member = await fixture.TeamMemberAsync(team);
        await fixture.CreateTicketsAsync(member, ids);
        var createsBefore = Remote.Creates;
        Remote.LoseNextCreateAnswer = true;

        var first = await fixture.RunOutboxAsync();
        await fixture.DrainAsync();

        Assert.True(first.Retried >= 1);
        Assert.Equal(1, Remote.Creates - createsBefore);
        var ticket = Assert.Single(await fixture.TicketsAsync(team));
        Assert.NotNull(ticket.RemoteKey);
        Assert.Contains(await fixture.HistoryAsync(ids[0]), e => e.Detail!.Contains("found by its label and adopted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_flaky_rate_limited_remote_loses_nothing_and_duplicates_nothing()
    {
        var team = await fixture.TeamAsync();
        const int images = 20;
        var ids = new List<long>();
        for (var i = 0; i < images; i++)
        {
            ids.AddRange(await SeedImageFindingsAsync(team, $"registry.example.com/{team.Team}/svc-{i}", 1));
        }
        using var member = await fixture.TeamMemberAsync(team);
        await fixture.CreateTicketsAsync(member, [.. ids]);
        var createsBefore = Remote.Creates;
        Remote.FailNext(1, 429, retryAfterSeconds: 1);
        Remote.FlakyRate = 0.3;
        var watch = Stopwatch.StartNew();
        try
        {
            await fixture.DrainAsync(TimeSpan.FromSeconds(90));
        }
        finally
        {
            Remote.FlakyRate = 0;
        }
        watch.Stop();

        var tickets = await fixture.TicketsAsync(team);
        Assert.Equal(images, tickets.Count);
        Assert.All(tickets, t => Assert.NotNull(t.RemoteKey));
        var outbox = await fixture.OutboxAsync(team);
        Assert.All(outbox, o => Assert.Equal(TicketActionStatus.Done, o.Status));
        var labels = Remote.Issues.Values.SelectMany(i => i.Labels).Where(l => tickets.Any(t => TicketGroups.Label(t.MappingId, t.GroupKey) == l)).ToList();
        Assert.Equal(images, labels.Count);
        Assert.Equal(images, labels.Distinct().Count());
        Assert.Equal(images, Remote.Creates - createsBefore + outbox.Count(o => o.LastError is not null && o.Action == TicketActionKind.Create) * 0);
        Assert.Contains(outbox, o => o.Attempts > 1); // the failures really happened and were retried
        output.WriteLine($"{images} tickets created through a 30 % flaky, once rate-limited remote in {watch.Elapsed.TotalSeconds:0.0} s = {images / watch.Elapsed.TotalMinutes:0} tickets/min; attempts {outbox.Sum(o => o.Attempts)}");
    }

    [Fact]
    public async Task Drift_after_a_missed_webhook_is_repaired_by_reconciliation_both_ways()
    {
        var team = await fixture.TeamAsync();
        var ids = await SeedImageFindingsAsync(team, "registry.example.com/" + team.Team + "/worker", 2);
        using var member = await fixture.TeamMemberAsync(team);
        await fixture.CreateTicketsAsync(member, ids);
        await fixture.DrainAsync();
        var ticket = Assert.Single(await fixture.TicketsAsync(team));
        var issue = Remote.Issue(ticket.RemoteKey!);

        // Someone closes the ticket in Jira, assigns and comments; the webhook never arrives.
        issue.Status = "Closed";
        issue.Assignee = "Jane Doe";
        issue.Comments.Add(("90001", "Jane Doe", "Rebuilt on the patched base image."));
        var watch = Stopwatch.StartNew();
        var result = await fixture.ReconcileAsync();
        watch.Stop();

        Assert.True(result.FindingsChanged >= 2);
        foreach (var id in ids)
        {
            var finding = await App.FindingByIdAsync(id);
            Assert.Equal(FindingWorkflow.Resolved, finding.Workflow);
            Assert.Equal("Jane Doe", finding.Assignee);
            var history = await fixture.HistoryAsync(id);
            Assert.Contains(history, e => e.Kind == FindingEventKind.WorkflowChanged && e.Actor == $"Jira:{ticket.RemoteKey}");
            Assert.Contains(history, e => e.Kind == FindingEventKind.Commented && e.Detail!.Contains("Jane Doe in " + ticket.RemoteKey + ": Rebuilt", StringComparison.Ordinal));
        }
        Assert.True(await App.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'ticket.sync.status' AND EntityId = $id", ("$id", ticket.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))) >= 1);
        output.WriteLine($"drift repaired by one reconciliation run in {watch.Elapsed.TotalMilliseconds:0} ms");

        // Reopened in Jira: the findings go back to open.
        issue.Status = "To Do";
        await fixture.ReconcileAsync();
        Assert.All(await Task.WhenAll(ids.Select(App.FindingByIdAsync)), f => Assert.Equal(FindingWorkflow.Open, f.Workflow));

        // A second run with nothing changed changes nothing.
        Assert.Equal(0, (await fixture.ReconcileAsync()).FindingsChanged);
    }

    [Fact]
    public async Task Findings_closed_by_a_scan_update_the_body_then_comment_and_close_the_ticket()
    {
        var team = await fixture.TeamAsync();
        var ids = await SeedImageFindingsAsync(team, "registry.example.com/" + team.Team + "/web", 3);
        using var member = await fixture.TeamMemberAsync(team);
        await fixture.CreateTicketsAsync(member, ids);
        await fixture.DrainAsync();
        var ticket = Assert.Single(await fixture.TicketsAsync(team));
        var issue = Remote.Issue(ticket.RemoteKey!);

        await CloseAsync(ids[0]);
        await fixture.ReconcileAsync();
        await fixture.DrainAsync();
        Assert.Contains("fixes 2 CVEs", issue.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain($"finding={ids[0]}\"", issue.Description!.ToJsonString(), StringComparison.Ordinal);
        Assert.NotEqual("Closed", issue.Status);

        await CloseAsync(ids[1]);
        await CloseAsync(ids[2]);
        await fixture.ReconcileAsync();
        await fixture.DrainAsync();

        Assert.Equal("Closed", issue.Status);
        Assert.Contains(issue.Comments, c => c.Text.Contains("closed by a scan", StringComparison.Ordinal));
        Assert.Equal(TicketState.Resolved, Assert.Single(await fixture.TicketsAsync(team)).State);
        Assert.Contains(await fixture.HistoryAsync(ids[2]), e => e.Detail == $"Ticket {ticket.RemoteKey} moved to Closed");
        // Running again queues nothing new: the transition is idempotent by revision.
        Assert.Equal(0, (await fixture.ReconcileAsync()).ActionsQueued);
    }

    [Fact]
    public async Task A_scan_that_closes_every_finding_of_a_ticket_queues_the_comment_and_the_close_in_the_push_itself()
    {
        var team = await fixture.TeamAsync();
        var scope = "image:" + team.Team;
        var key = await App.CreateApiKeyAsync("ingest", team.TeamId);
        await PushScanAsync(key, scope, ("CVE-2023-3446", "libssl3", "3.0.8-r3"), ("CVE-2023-1255", "libssl3", "3.0.8-r3"));
        var ids = await App.WithDbAsync(db => db.Findings.Where(f => f.ScopeKey == scope).OrderBy(f => f.Id).Select(f => f.Id).ToArrayAsync());
        Assert.Equal(2, ids.Length);
        using var member = await fixture.TeamMemberAsync(team);
        await fixture.CreateTicketsAsync(member, ids);
        await fixture.DrainAsync();
        var tickets = await fixture.TicketsAsync(team);
        Assert.NotEmpty(tickets);
        Assert.All(tickets, t => Assert.Equal("To Do", Remote.Issue(t.RemoteKey!).Status));

        // The image was rebuilt: the next scan reports neither. No reconciliation runs in this test.
        var watch = Stopwatch.StartNew();
        var pushed = await PushScanAsync(key, scope);
        watch.Stop();
        Assert.Equal(2, pushed.GetProperty("closed").GetInt32());

        // Committed with the push: the links are left and the close is queued for every ticket, before any job ran.
        var afterPush = await fixture.TicketsAsync(team);
        Assert.All(afterPush.SelectMany(t => t.Findings), l => Assert.NotNull(l.LeftAt));
        var queued = (await fixture.OutboxAsync(team)).Where(o => o.Status == TicketActionStatus.Pending).ToList();
        Assert.Equal(tickets.Select(t => t.Id).Order(), queued.Where(o => o.Action == TicketActionKind.Transition && o.Argument == "Closed").Select(o => o.TicketId).Order());
        Assert.Equal(tickets.Count, queued.Count(o => o.Action == TicketActionKind.Comment && o.Argument!.Contains("closed by a scan", StringComparison.Ordinal)));
        Assert.Equal(tickets.Count, await App.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'ticket.membership' AND After LIKE '%\"via\":\"push\"%' AND EntityId IN ("
            + string.Join(",", tickets.Select(t => $"'{t.Id}'")) + ")"));

        await fixture.DrainAsync();
        Assert.All(tickets, t => Assert.Equal("Closed", Remote.Issue(t.RemoteKey!).Status));
        Assert.All(tickets, t => Assert.Contains(Remote.Issue(t.RemoteKey!).Comments, c => c.Text.Contains("closed by a scan", StringComparison.Ordinal)));
        // The reconciliation finds nothing left to do, and queues no second close.
        Assert.Equal(0, (await fixture.ReconcileAsync()).ActionsQueued);
        output.WriteLine($"closing push with {tickets.Count} ticket(s) answered in {watch.Elapsed.TotalMilliseconds:0} ms; the close was queued in it");
    }

    /// <summary>The real Trivy image report with its vulnerabilities replaced, pushed with a team's ingest key for one scope.</summary>
    private async Task<JsonElement> PushScanAsync(string apiKey, string scope, params (string Id, string Package, string Version)[] vulnerabilities)
    {
        var report = JsonNode.Parse(TestFixtures.Read("trivy/trivy-0.72.0-alpine-3.10-image.json"))!;
        var result = report["Results"]![0]!;
        var template = result["Vulnerabilities"]![0]!;
        var list = new JsonArray();
        foreach (var (id, package, version) in vulnerabilities)
        {
            var copy = template.DeepClone();
            copy["VulnerabilityID"] = id;
            copy["PkgName"] = package;
            copy["PkgID"] = $"{package}@{version}";
            copy["InstalledVersion"] = version;
            list.Add(copy);
        }
        result["Vulnerabilities"] = list;
        using var client = App.CreateApiClient(apiKey);
        var response = await client.PostAsync($"/api/v1/ingest/scans?scope={Uri.EscapeDataString(scope)}", new ByteArrayContent(Encoding.UTF8.GetBytes(report.ToJsonString())));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Wont_fix_in_jira_opens_one_pending_risk_acceptance_per_finding_in_the_movers_name_and_reopening_withdraws_the_undecided()
    {
        var team = await fixture.TeamAsync();
        var ids = await SeedImageFindingsAsync(team, "registry.example.com/" + team.Team + "/legacy", 2);
        using var member = await fixture.TeamMemberAsync(team);
        await fixture.CreateTicketsAsync(member, ids);
        await fixture.DrainAsync();
        var ticket = Assert.Single(await fixture.TicketsAsync(team));
        var issue = Remote.Issue(ticket.RemoteKey!);
        issue.Status = "Won't Do";
        issue.StatusChangedBy = "Jane Doe";

        var payload = JsonNode.Parse(TestFixtures.Read("jira/mattermost-jira-cloud-webhook-issue-updated-status.json"))!;
        payload["issue"]!["key"] = ticket.RemoteKey;
        payload["issue"]!["id"] = ticket.RemoteId;
        using var anonymous = App.CreateApiClient();
        var url = $"/api/v1/webhooks/jira?connection={team.ConnectionId}&secret={team.WebhookSecret}";
        async Task<string?> DeliverAsync(long offset)
        {
            payload["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + offset; // a new delivery, not a replay
            var answer = await anonymous.PostAsync(url, Json(payload.ToJsonString()));
            return (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString();
        }
        Assert.Equal("applied", await DeliverAsync(0));

        var requests = await RequestsAsync(ids);
        Assert.Equal(ids.Order(), requests.Select(r => r.FindingId!.Value).Order());
        Assert.All(requests, r =>
        {
            Assert.Equal(K8Posture.Features.Remediation.RiskAcceptanceStatus.Pending, r.Status);
            Assert.Equal("Jira:Jane Doe", r.RequestedBy);
            Assert.Equal($"ticket:{ticket.Id}", r.RequestedBySubject);
            Assert.Equal($"{ticket.RemoteKey} was moved to \"Won't Do\" (won't fix) in Jira by Jane Doe; the ticket ({ticket.RemoteUrl}) says why the team will not fix this. "
                + "Reopening the ticket withdraws this request.", r.Reason);
        });
        foreach (var id in ids)
        {
            var finding = await App.FindingByIdAsync(id);
            Assert.Equal(FindingResolution.None, finding.Resolution); // a request, not a decision
            var request = requests.Single(r => r.FindingId == id);
            Assert.Contains(await fixture.HistoryAsync(id), e => e.Kind == FindingEventKind.Commented && e.Actor == $"Jira:{ticket.RemoteKey}"
                && e.Detail == $"{ticket.RemoteKey} was moved to \"Won't Do\" (won't fix) in Jira by Jane Doe: risk acceptance request #{request.Id} waits for the Security Team's decision.");
            Assert.Equal(1, await App.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'risk-acceptance.request' AND EntityId = $id", ("$id", request.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
        // The Security Team sees them where the Remediation page lists requests.
        var listed = await fixture.Admin.GetFromJsonAsync<JsonElement>("/api/v1/risk-acceptances?status=Pending");
        Assert.Equal(2, listed.EnumerateArray().Count(r => ids.Contains(r.GetProperty("findingId").GetInt64()) && r.GetProperty("requestedBy").GetString() == "Jira:Jane Doe"));

        // A second delivery and a reconciliation add no second request.
        Assert.Equal("applied", await DeliverAsync(1));
        await fixture.ReconcileAsync();
        Assert.Equal(2, (await RequestsAsync(ids)).Count);

        // The Security Team approves one; the ticket is reopened before the other is decided: only the undecided one is withdrawn.
        var decided = await fixture.Admin.PostAsJsonAsync($"/api/v1/risk-acceptances/{requests[0].Id}/decision", new { approve = true, comment = "Legacy image, isolated namespace." });
        Assert.True(decided.IsSuccessStatusCode, await decided.Content.ReadAsStringAsync());
        issue.Status = "To Do";
        issue.StatusChangedBy = "John Roe";
        Assert.Equal("applied", await DeliverAsync(2));

        var after = await RequestsAsync(ids);
        Assert.Equal(K8Posture.Features.Remediation.RiskAcceptanceStatus.Approved, after.Single(r => r.Id == requests[0].Id).Status);
        var withdrawn = after.Single(r => r.Id == requests[1].Id);
        Assert.Equal(K8Posture.Features.Remediation.RiskAcceptanceStatus.Revoked, withdrawn.Status);
        Assert.Equal("Jira:John Roe", withdrawn.RevokedBy);
        Assert.Equal($"{ticket.RemoteKey} was moved from won't fix to \"To Do\" in Jira by John Roe before the request was decided.", withdrawn.RevocationReason);
        Assert.Equal(1, await App.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'risk-acceptance.revoke' AND EntityId = $id", ("$id", withdrawn.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Contains(await fixture.HistoryAsync(requests[1].FindingId!.Value), e => e.Detail!.EndsWith($"Risk acceptance request(s) #{withdrawn.Id} withdrawn.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wont_fix_in_azure_boards_found_by_reconciliation_names_the_changer_from_system_changed_by()
    {
        var team = await fixture.TeamAsync(TicketSystem.AzureDevOps);
        var ids = await SeedImageFindingsAsync(team, "registry.example.com/" + team.Team + "/batch", 1);
        using var member = await fixture.TeamMemberAsync(team);
        await fixture.CreateTicketsAsync(member, ids);
        await fixture.DrainAsync();
        var ticket = Assert.Single(await fixture.TicketsAsync(team));
        var item = Remote.Issue(ticket.RemoteKey!);
        item.Status = "Won't Do";
        item.StatusChangedBy = "Ada Lovelace";

        await fixture.ReconcileAsync();
        await fixture.ReconcileAsync();

        var request = Assert.Single(await RequestsAsync(ids));
        Assert.Equal("Azure DevOps:Ada Lovelace", request.RequestedBy);
        Assert.Contains(ticket.RemoteUrl!, request.Reason, StringComparison.Ordinal);
        Assert.Equal(K8Posture.Features.Remediation.RiskAcceptanceStatus.Pending, request.Status);
    }

    private Task<List<K8Posture.Features.Remediation.RiskAcceptance>> RequestsAsync(long[] findingIds) => App.WithDbAsync(db =>
        db.RiskAcceptances.Where(r => r.FindingId != null && findingIds.Contains(r.FindingId.Value)).OrderBy(r => r.FindingId).ToListAsync());

    [Fact]
    public async Task A_deleted_ticket_and_a_changed_workflow_are_failures_an_admin_sees_and_can_requeue()
    {
        var team = await fixture.TeamAsync(doneStatus: "Done"); // the fake's workflow offers no transition to "Done"
        var first = await SeedImageFindingsAsync(team, "registry.example.com/" + team.Team + "/a", 1);
        var second = await SeedImageFindingsAsync(team, "registry.example.com/" + team.Team + "/b", 1);
        using var member = await fixture.TeamMemberAsync(team);
        await fixture.CreateTicketsAsync(member, [.. first, .. second]);
        await fixture.DrainAsync();
        var tickets = await fixture.TicketsAsync(team);
        Assert.Equal(2, tickets.Count);
        Assert.True(Remote.Issues.TryRemove(tickets[0].RemoteKey!, out _)); // deleted in Jira

        await CloseAsync(first[0]);
        await CloseAsync(second[0]);
        await fixture.ReconcileAsync();
        await fixture.DrainAsync();

        var outbox = await fixture.OutboxAsync(team);
        var failed = outbox.Where(o => o.Status == TicketActionStatus.Failed).ToList();
        Assert.Contains(failed, o => o.TicketId == tickets[0].Id && o.LastError!.Contains("404", StringComparison.Ordinal));
        Assert.Contains(failed, o => o.TicketId == tickets[1].Id && o.Action == TicketActionKind.Transition && o.LastError!.Contains("no transition to 'Done'", StringComparison.Ordinal));
        Assert.DoesNotContain(outbox, o => o.Status == TicketActionStatus.Pending);
        var deleted = await App.WithDbAsync(db => db.RemoteTickets.SingleAsync(t => t.Id == tickets[0].Id));
        Assert.Contains("404", deleted.LastError, StringComparison.Ordinal);

        var summary = await fixture.Admin.GetFromJsonAsync<JsonElement>("/api/v1/tickets/outbox");
        Assert.Contains(summary.GetProperty("failures").EnumerateArray(), f => f.GetProperty("ticketId").GetInt64() == tickets[1].Id);
        Assert.Contains(summary.GetProperty("ticketProblems").EnumerateArray(), p => p.GetProperty("ticketId").GetInt64() == tickets[0].Id);

        // The workflow is fixed (the mapping now names "Closed"); the failed transition is re-queued and goes through.
        var transition = failed.Single(o => o.TicketId == tickets[1].Id && o.Action == TicketActionKind.Transition);
        await App.WithDbAsync(async db =>
        {
            var mapping = await db.TicketMappings.SingleAsync(m => m.TeamId == team.TeamId);
            mapping.DoneStatus = "Closed";
            return await db.SaveChangesAsync();
        });
        await App.WithDbAsync(async db =>
        {
            var entry = await db.TicketOutbox.SingleAsync(o => o.Id == transition.Id);
            entry.Argument = "Closed";
            return await db.SaveChangesAsync();
        });
        var requeued = await fixture.Admin.PostAsJsonAsync("/api/v1/tickets/outbox/requeue", new { ids = new[] { transition.Id } });
        Assert.Equal(1, (await requeued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requeued").GetInt32());
        await fixture.DrainAsync();
        Assert.Equal("Closed", Remote.Issue(tickets[1].RemoteKey!).Status);
    }

    [Fact]
    public async Task A_jira_webhook_with_the_secret_applies_once_a_replay_is_ignored_and_a_wrong_secret_is_refused()
    {
        var team = await fixture.TeamAsync();
        var ids = await SeedImageFindingsAsync(team, "registry.example.com/" + team.Team + "/hook", 1);
        using var member = await fixture.TeamMemberAsync(team);
        await fixture.CreateTicketsAsync(member, ids);
        await fixture.DrainAsync();
        var ticket = Assert.Single(await fixture.TicketsAsync(team));
        Remote.Issue(ticket.RemoteKey!).Status = "In Progress";

        // The recorded Jira Cloud issue_updated delivery, pointed at our issue and dated now.
        var payload = JsonNode.Parse(TestFixtures.Read("jira/mattermost-jira-cloud-webhook-issue-updated-status.json"))!;
        payload["issue"]!["key"] = ticket.RemoteKey;
        payload["issue"]!["id"] = ticket.RemoteId;
        payload["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var body = payload.ToJsonString();
        using var anonymous = App.CreateApiClient();
        var url = $"/api/v1/webhooks/jira?connection={team.ConnectionId}";

        var wrong = await anonymous.PostAsync(url + "&secret=not-the-secret", Json(body));
        var applied = await anonymous.PostAsync(url + "&secret=" + team.WebhookSecret, Json(body));
        var replayed = await anonymous.PostAsync(url + "&secret=" + team.WebhookSecret, Json(body));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("applied", (await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal("duplicate", (await replayed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal(FindingWorkflow.InProgress, (await App.FindingByIdAsync(ids[0])).Workflow);
        Assert.Single(await fixture.HistoryAsync(ids[0]), e => e.Kind == FindingEventKind.WorkflowChanged);

        // Jira Cloud admin webhooks sign the body instead: X-Hub-Signature: sha256=<HMAC>.
        Remote.Issue(ticket.RemoteKey!).Status = "Closed";
        payload["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1;
        var signedBody = payload.ToJsonString();
        using var signed = new HttpRequestMessage(HttpMethod.Post, url) { Content = Json(signedBody) };
        signed.Headers.Add("X-Hub-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(team.WebhookSecret), Encoding.UTF8.GetBytes(signedBody))));
        var signedAnswer = await anonymous.SendAsync(signed);
        Assert.Equal(HttpStatusCode.OK, signedAnswer.StatusCode);
        Assert.Equal(FindingWorkflow.Resolved, (await App.FindingByIdAsync(ids[0])).Workflow);

        // A delivery dated outside the replay window is refused, with a problem naming why.
        payload["timestamp"] = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds();
        var stale = await anonymous.PostAsync(url + "&secret=" + team.WebhookSecret, Json(payload.ToJsonString()));
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Contains("replay window", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Azure_boards_work_items_are_created_tagged_and_synced_by_a_service_hook()
    {
        var team = await fixture.TeamAsync(TicketSystem.AzureDevOps);
        var ids = await SeedImageFindingsAsync(team, "registry.example.com/" + team.Team + "/billing", 2, critical: 1);
        var test = await fixture.Admin.PostAsync($"/api/v1/tickets/connections/{team.ConnectionId}/test?project={team.Project}", null);
        var tested = await test.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(tested.GetProperty("ok").GetBoolean(), tested.ToString());
        Assert.Contains("Bug", tested.GetProperty("project").GetProperty("issueTypes").EnumerateArray().Select(t => t.GetString()));
        using var member = await fixture.TeamMemberAsync(team);
        await fixture.CreateTicketsAsync(member, ids);
        await fixture.DrainAsync();
        var ticket = Assert.Single(await fixture.TicketsAsync(team));
        var item = Remote.Issue(ticket.RemoteKey!);
        Assert.Contains(TicketGroups.Label(ticket.MappingId, ticket.GroupKey), item.Labels);
        Assert.Contains("(1 critical)", item.Summary, StringComparison.Ordinal);
        Assert.Equal($"{Remote.AzureDevOpsUrl}/{team.Project}/_workitems/edit/{item.Id}", ticket.RemoteUrl);

        // The recorded workitem.updated service hook, pointed at our work item, with a fresh event id and date.
        item.Status = "Resolved";
        var payload = JsonNode.Parse(Encoding.UTF8.GetString(TestFixtures.Read("azure-devops/aspnet-webhooks-workitem.updated.json")).TrimStart('\uFEFF'))!;
        payload["id"] = Guid.NewGuid().ToString();
        payload["createdDate"] = DateTimeOffset.UtcNow.ToString("O");
        payload["resource"]!["revision"]!["id"] = int.Parse(item.Id, System.Globalization.CultureInfo.InvariantCulture);
        using var anonymous = App.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/azure-devops?connection={team.ConnectionId}") { Content = Json(payload.ToJsonString()) };
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("azure-devops:" + team.WebhookSecret)));
        var answer = await anonymous.SendAsync(request);
        Assert.Equal("applied", (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.All(await Task.WhenAll(ids.Select(App.FindingByIdAsync)), f => Assert.Equal(FindingWorkflow.Resolved, f.Workflow));

        using var unauthenticated = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/azure-devops?connection={team.ConnectionId}") { Content = Json(payload.ToJsonString()) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(unauthenticated)).StatusCode);
    }

    [Fact]
    public async Task Test_connection_reads_the_project_and_reports_a_deleted_one()
    {
        var team = await fixture.TeamAsync();
        var ok = await (await fixture.Admin.PostAsync($"/api/v1/tickets/connections/{team.ConnectionId}/test?project={team.Project}", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(ok.GetProperty("ok").GetBoolean());
        Assert.Equal(["To Do", "In Progress", "Closed"], ok.GetProperty("project").GetProperty("statuses").EnumerateArray().Select(s => s.GetString()!).ToArray());

        Remote.DeletedProjects.Add(team.Project);
        var gone = await (await fixture.Admin.PostAsync($"/api/v1/tickets/connections/{team.ConnectionId}/test?project={team.Project}", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(gone.GetProperty("ok").GetBoolean());
        Assert.Contains("No project could be found", gone.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_never_appear_in_api_responses_audit_or_logs()
    {
        var team = await fixture.TeamAsync();
        Remote.FailNext(2, 500);
        var ids = await SeedImageFindingsAsync(team, "registry.example.com/" + team.Team + "/secret", 1);
        using var member = await fixture.TeamMemberAsync(team);
        await fixture.CreateTicketsAsync(member, ids);
        await fixture.DrainAsync();

        var connections = await fixture.Admin.GetStringAsync("/api/v1/tickets/connections");
        var outbox = await fixture.Admin.GetStringAsync("/api/v1/tickets/outbox");
        var audit = await App.WithDbAsync(db => db.AuditEvents.Where(a => a.EntityType == "TicketConnection").Select(a => (a.Before ?? "") + (a.After ?? "")).ToListAsync());
        var stored = await App.WithDbAsync(db => db.TicketConnections.Select(c => c.SecretProtected).ToListAsync());

        Assert.Contains(team.Connection, connections, StringComparison.Ordinal);
        foreach (var text in new[] { connections, outbox, string.Join("\n", audit), string.Join("\n", stored), fixture.Logs.AllText() })
        {
            Assert.DoesNotContain(FakeTicketSystems.Token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(TicketAppFixture.WebhookSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeTicketSystems.JiraEmail}:{FakeTicketSystems.Token}")), text, StringComparison.Ordinal);
        }
        Assert.Contains("Ticket action", fixture.Logs.AllText(), StringComparison.Ordinal); // the failures were logged, without the secret
    }

    [Fact]
    public async Task Another_team_cannot_ticket_findings_it_does_not_own_and_bad_input_writes_nothing()
    {
        var team = await fixture.TeamAsync();
        var other = await fixture.TeamAsync();
        var ids = await SeedImageFindingsAsync(team, "registry.example.com/" + team.Team + "/own", 1);
        using var outsider = await fixture.TeamMemberAsync(other);
        var refused = await outsider.PostAsJsonAsync("/api/v1/tickets", new { findingIds = ids });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode); // not visible to the outsider: refused by id, not skipped in silence
        Assert.Equal($"findingIds: finding(s) {ids[0]} do not exist or are not your team's; no ticket was created.",
            (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        // Mixed with one of its own, the other team's id still refuses the whole request.
        var own = await SeedImageFindingsAsync(other, "registry.example.com/" + other.Team + "/own", 1);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsJsonAsync("/api/v1/tickets", new { findingIds = new[] { own[0], ids[0] } })).StatusCode);
        Assert.Empty(await fixture.TicketsAsync(team));
        Assert.Empty(await fixture.TicketsAsync(other));

        var bad = await fixture.Admin.PostAsJsonAsync("/api/v1/tickets/connections", new { name = "x", system = "JiraCloud", baseUrl = "http://jira.example.com", token = "t", webhookSecret = "0123456789abcdef" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("baseUrl", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(0, await App.ScalarAsync("SELECT COUNT(*) FROM TicketConnections WHERE Name = 'x'"));

        using var appMember = await fixture.TeamMemberAsync(team);
        Assert.Equal(HttpStatusCode.Forbidden, (await appMember.GetAsync("/api/v1/tickets/connections")).StatusCode);
    }

    private Task CloseAsync(long findingId) => App.WithDbAsync(async db =>
    {
        var finding = await db.Findings.SingleAsync(f => f.Id == findingId);
        finding.Status = FindingStatus.Closed;
        finding.ClosedAt = DateTimeOffset.UtcNow;
        return await db.SaveChangesAsync();
    });

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
