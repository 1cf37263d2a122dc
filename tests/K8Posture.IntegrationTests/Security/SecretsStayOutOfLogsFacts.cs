using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Alerts.Siem;
using K8Posture.Features.Clusters;
using K8Posture.Features.Remediation;
using K8Posture.IntegrationTests.Features.Alerts;
using K8Posture.IntegrationTests.Features.Clusters;
using K8Posture.IntegrationTests.Features.Remediation;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8Posture.IntegrationTests.Security;

/// <summary>
/// Secret-looking values in every place a secret lives (webhook paths, the HEC token, the SMTP password, cluster tokens in
/// a registration and in a kubeconfig, pipeline keys, the Entra client secret and the Graph token), each outbound path
/// exercised against a local receiver and the operator verbs run as the real binary, all with the default Information
/// logging: none of the secrets may appear in any log line or log scope.
/// </summary>
[Collection(HangfireCollection.Name)]
public sealed class SecretsStayOutOfLogsFacts
{
    private static readonly ClaimsPrincipal Admin = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "Ada Admin"), new Claim(ClaimTypes.Role, Roles.SecurityAdmin)], "test", ClaimTypes.Name, ClaimTypes.Role));

    private static string Secret(string label) => $"{label}-SECRET-{Guid.NewGuid():N}";

    /// <summary>Fails naming each secret found, and the first line that holds it.</summary>
    private static void AssertNoSecretIn(string logText, IReadOnlyDictionary<string, string> secrets)
    {
        var lines = logText.Split('\n');
        var leaks = secrets
            .Where(s => logText.Contains(s.Value, StringComparison.OrdinalIgnoreCase))
            .Select(s => $"{s.Key} ('{s.Value}') in: {lines.First(l => l.Contains(s.Value, StringComparison.OrdinalIgnoreCase))}")
            .ToList();
        Assert.True(leaks.Count == 0, "Secrets reached the log:\n" + string.Join("\n", leaks));
    }

    [Fact]
    public async Task Webhooks_smtp_splunk_and_cluster_calls_log_no_secret_at_the_default_level()
    {
        var slackTeam = Secret("slack-team");
        var slackBot = Secret("slack-bot");
        var slackToken = Secret("slack-token");
        var teamsPath = Secret("teams-webhook");
        var failingPath = Secret("failing-webhook");
        var unreachablePath = Secret("unreachable-webhook");
        var hecToken = Secret("hec-token");
        var smtpPassword = Secret("smtp-password");
        var registeredToken = Secret("kube-token");
        var kubeconfigToken = Secret("kubeconfig-token");
        var wrongToken = Secret("wrong-kube-token");
        var unknownKey = "k8p_" + Secret("unknown-key").Replace("-", "", StringComparison.Ordinal);

        await using var smtp = new SmtpRecorder { OfferAuth = true }.Start();
        await using var webhooks = await new WebhookRecorder().StartAsync();
        await using var failingWebhooks = await new WebhookRecorder { StatusCode = 500 }.StartAsync();
        using var hec = new FakeSplunkHec();
        await using var kube = await new FakeKubernetesApi { Token = registeredToken }.AddNamespace("payments").StartAsync();
        await using var kubeFromConfig = await new FakeKubernetesApi { Token = kubeconfigToken }.AddNamespace("ledger").StartAsync();
        var logs = new CollectedLogs();
        await using var app = new K8PostureAppFactory(seedDemo: false, builder =>
        {
            builder.UseSetting("Logging:LogLevel:Default", "Information");
            builder.UseSetting("Notifications:AllowHttpWebhooks", "true");
            builder.UseSetting("Notifications:Smtp:Host", "127.0.0.1");
            builder.UseSetting("Notifications:Smtp:Port", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Notifications:Smtp:UseTls", "false");
            builder.UseSetting("Notifications:Smtp:UserName", "k8posture-relay");
            builder.UseSetting("Notifications:Smtp:Password", smtpPassword);
            builder.UseSetting("Siem:SplunkHec:Enabled", "true");
            builder.UseSetting("Siem:SplunkHec:Url", hec.BaseUrl);
            builder.UseSetting("Siem:SplunkHec:Token", hecToken);
            builder.ConfigureLogging(logging => logging.AddProvider(logs));
        });

        // Pipeline keys: one that works, one that does not exist.
        var adminKey = await app.CreateApiKeyAsync("admin,read");
        var ingestKey = await app.CreateApiKeyAsync("ingest");
        using var admin = app.CreateApiClient(adminKey);
        using (var stranger = app.CreateApiClient(unknownKey))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/v1/findings")).StatusCode);
        }

        // Clusters: a token registration, a kubeconfig registration, and one whose token the API server refuses.
        var byToken = "logs-token-" + Guid.NewGuid().ToString("N")[..6];
        var byKubeconfig = "logs-kubeconfig-" + Guid.NewGuid().ToString("N")[..6];
        var refused = "logs-refused-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/clusters", new { name = byToken, serverUrl = kube.Address.ToString(), token = registeredToken })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/clusters", new { name = byKubeconfig, kubeconfig = kubeFromConfig.Kubeconfig() })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/clusters", new { name = refused, serverUrl = kube.Address.ToString(), token = wrongToken })).StatusCode);
        foreach (var name in new[] { byToken, byKubeconfig, refused })
        {
            await admin.PostAsync($"/api/v1/clusters/{name}/test", null);
            var id = await app.WithDbAsync(db => db.Clusters.Where(c => c.Name == name).Select(c => c.Id).SingleAsync());
            var collected = await app.AsJobAsync(sp => sp.GetRequiredService<ClusterCollectionJob>().RunAsync(id, CancellationToken.None));
            Assert.Equal(name != refused, collected.Succeeded);
        }

        // Splunk HEC: alerts pushed with the ingest key, then forwarded with the HEC token.
        using (var pipeline = app.CreateApiClient(ingestKey))
        {
            var body = AlertIngestFacts.Sidekick(Guid.NewGuid(), "Write below binary dir", "payments", "api-0", "/bin/hack");
            await AlertIngestFacts.OutcomeAsync(await AlertIngestFacts.PushAsync(pipeline, body, "cluster=" + byToken));
        }
        var forwarded = await app.AsJobAsync(sp => sp.GetRequiredService<SiemForwardingJob>().RunAsync(CancellationToken.None));
        Assert.Equal(1, forwarded.Sent);
        Assert.Equal("Splunk " + hecToken, Assert.Single(hec.Requests).Authorization);

        // SLA-breach digests: e-mail through an authenticating relay, Slack and Teams webhooks, one failing, one unreachable.
        var team = await app.SeedTeamAsync("Logs " + Guid.NewGuid().ToString("N")[..6]);
        await app.SeedFindingAsync(team, "overdue for the digest", FindingSeverity.Critical, slaDueAt: DateTimeOffset.UtcNow.AddDays(-2));
        var slackUrl = webhooks.Url($"/services/{slackTeam}/{slackBot}/{slackToken}");
        var unreachableUrl = $"http://127.0.0.1:{ClosedPort()}/{unreachablePath}";
        foreach (var (kind, address) in new[]
        {
            (NotificationChannelKind.Email, "oncall@contoso.test"),
            (NotificationChannelKind.Slack, slackUrl),
            (NotificationChannelKind.Teams, webhooks.Url($"/webhookb2/{teamsPath}")),
            (NotificationChannelKind.Slack, failingWebhooks.Url($"/services/{failingPath}")),
            (NotificationChannelKind.Teams, unreachableUrl),
        })
        {
            await app.AsSystemAsync(sp => sp.GetRequiredService<NotificationTargetService>().AddAsync(Admin, team, kind, address, CancellationToken.None));
        }
        Assert.Equal(3, await app.AsJobAsync(sp => sp.GetRequiredService<SlaBreachNotificationJob>().RunAsync(CancellationToken.None)));

        // The secrets really travelled, so a clean log means something.
        Assert.Equal(("k8posture-relay", smtpPassword), Assert.Single(smtp.Logins));
        Assert.Contains(webhooks.Posts, p => p.Path == $"/services/{slackTeam}/{slackBot}/{slackToken}");
        Assert.Contains(webhooks.Posts, p => p.Path == $"/webhookb2/{teamsPath}");
        Assert.Single(failingWebhooks.Posts);

        AssertNoSecretIn(logs.AllText(), new Dictionary<string, string>
        {
            ["Slack webhook team id"] = slackTeam,
            ["Slack webhook bot id"] = slackBot,
            ["Slack webhook token"] = slackToken,
            ["Teams webhook path"] = teamsPath,
            ["failing webhook path"] = failingPath,
            ["unreachable webhook path"] = unreachablePath,
            ["Splunk HEC token"] = hecToken,
            ["SMTP password"] = smtpPassword,
            ["cluster token"] = registeredToken,
            ["kubeconfig token"] = kubeconfigToken,
            ["refused cluster token"] = wrongToken,
            ["admin pipeline key"] = adminKey,
            ["ingest pipeline key"] = ingestKey,
            ["unknown pipeline key"] = unknownKey,
        });

        // The outbound calls are still logged, by origin and status only.
        var webhookOrigin = $"http://127.0.0.1:{new Uri(slackUrl).Port}";
        Assert.Contains(logs.Entries, e => e.Category == OutboundHttpLogging.Category && e.Message.Contains("POST " + webhookOrigin, StringComparison.Ordinal) && e.Message.Contains("200", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Category == OutboundHttpLogging.Category && e.Message.Contains("answered 500", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Category == OutboundHttpLogging.Category && e.Level == LogLevel.Warning
            && e.Message.Contains(new Uri(unreachableUrl).Authority, StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Category == OutboundHttpLogging.Category && e.Message.Contains("POST " + OutboundHttpLogging.Origin(new Uri(hec.BaseUrl)), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Entra_sign_in_and_the_graph_group_lookup_log_neither_the_client_secret_nor_any_token()
    {
        await using var entra = await new FakeEntraId().StartAsync();
        var logs = new CollectedLogs();
        await using var app = new K8PostureAppFactory(seedDemo: false, builder =>
        {
            builder.UseSetting("Logging:LogLevel:Default", "Information");
            builder.UseSetting("Auth:Mode", "EntraId");
            builder.UseSetting("AzureAd:Instance", entra.Instance);
            builder.UseSetting("AzureAd:TenantId", entra.TenantId);
            builder.UseSetting("AzureAd:ClientId", FakeEntraId.ClientId);
            builder.UseSetting("AzureAd:ClientSecret", FakeEntraId.ClientSecret);
            builder.UseSetting("AzureAd:RequireHttpsMetadata", "false");
            builder.UseSetting("Graph:BaseUrl", entra.GraphBaseUrl);
            builder.ConfigureLogging(logging => logging.AddProvider(logs));
        });
        var oid = Guid.NewGuid().ToString();
        entra.SetGroups(oid, Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString());

        // A person in too many groups (groups overage): the app fetches a client-credentials token and pages through Graph.
        var session = await app.SignInAsync(entra, new Dictionary<string, object>
        {
            ["oid"] = oid,
            ["name"] = "Olga Overage",
            ["preferred_username"] = "olga.overage@contoso.test",
            ["roles"] = new[] { "AppTeam.Member" },
            ["_claim_names"] = new Dictionary<string, object> { ["groups"] = "src1" },
            ["_claim_sources"] = new Dictionary<string, object>
            {
                ["src1"] = new Dictionary<string, object> { ["endpoint"] = $"https://graph.windows.net/tenant/users/{oid}/getMemberObjects" },
            },
        });
        Assert.Equal(HttpStatusCode.OK, (await session.Client.GetAsync("/")).StatusCode);
        // An Entra pipeline token on the API, too.
        var appToken = entra.CreateAppToken(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), ["Pipeline.Ingest"]);
        using (var pipeline = app.CreateApiClient())
        {
            pipeline.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", appToken);
            await pipeline.GetAsync("/api/v1/rules");
        }

        var graphAuthorization = entra.GraphRequests.First(r => r.PathAndQuery.Contains(oid, StringComparison.Ordinal)).Authorization;
        Assert.StartsWith("Bearer ", graphAuthorization, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Message.Contains("Resolved 3 Entra groups", StringComparison.Ordinal));
        // The client-credentials token request went through an IHttpClientFactory client and was logged by origin.
        Assert.Contains(logs.Entries, e => e.Category == OutboundHttpLogging.Category && e.Message.Contains("POST " + OutboundHttpLogging.Origin(entra.Address), StringComparison.Ordinal));
        AssertNoSecretIn(logs.AllText(), new Dictionary<string, string>
        {
            ["Entra client secret"] = FakeEntraId.ClientSecret,
            ["client credentials (basic)"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(FakeEntraId.ClientId + ":" + FakeEntraId.ClientSecret)),
            ["Graph access token"] = graphAuthorization!["Bearer ".Length..],
            ["ID token"] = session.IdToken,
            ["pipeline access token"] = appToken,
        });
    }

    [Fact]
    public async Task The_operator_verbs_log_no_secret_and_print_the_new_key_only_on_standard_output()
    {
        var folder = Directory.CreateTempSubdirectory("k8p-logs-").FullName;
        var settings = new Dictionary<string, string>
        {
            ["Siem__SplunkHec__Enabled"] = "true",
            ["Siem__SplunkHec__Url"] = "http://127.0.0.1:9/",
            ["Siem__SplunkHec__Token"] = Secret("hec-token"),
            ["Notifications__Smtp__Host"] = "127.0.0.1",
            ["Notifications__Smtp__Password"] = Secret("smtp-password"),
            ["AzureAd__ClientSecret"] = Secret("entra-client-secret"),
        };
        try
        {
            var organisation = Path.Combine(folder, "organisation.yaml");
            var runs = new List<(string Verb, int ExitCode, string Stdout, string Stderr)>();
            foreach (var verb in new[]
            {
                new[] { "migrate" },
                ["seed-demo"],
                ["api-key", "create", "--name", "ci-logs", "--team", "Payments", "--scopes", "ingest,read"],
                ["api-key", "create", "--name", "ci-admin", "--scopes", "admin"],
                ["org", "export"],
                ["org", "import", organisation],
            })
            {
                var (exitCode, stdout, stderr) = await OperatorBinary.RunAsync(folder, settings, verb);
                Assert.True(exitCode == 0, $"{string.Join(' ', verb)} failed: {stderr}");
                runs.Add((string.Join(' ', verb), exitCode, stdout, stderr));
                if (verb is ["org", "export"])
                {
                    await File.WriteAllTextAsync(organisation, stdout);
                }
            }

            var keys = runs.Where(r => r.Verb.StartsWith("api-key", StringComparison.Ordinal)).Select(r => r.Stdout.Trim()).ToList();
            Assert.All(keys, key => Assert.Matches("^k8p_[A-Za-z0-9_-]+$", key));
            // The application's log is standard error: info lines (migrations, seeding) are there, the secrets are not.
            var log = string.Join("\n", runs.Select(r => r.Stderr));
            Assert.Contains("info:", log, StringComparison.Ordinal);
            var secrets = settings.Where(s => s.Value.Contains("SECRET", StringComparison.Ordinal)).ToDictionary(s => s.Key, s => s.Value);
            secrets["first new pipeline key"] = keys[0];
            secrets["second new pipeline key"] = keys[1];
            AssertNoSecretIn(log, secrets);
            // Standard output holds what each verb was asked for and no configured secret either.
            AssertNoSecretIn(string.Join("\n", runs.Select(r => r.Stdout)), settings.Where(s => s.Value.Contains("SECRET", StringComparison.Ordinal)).ToDictionary(s => s.Key, s => s.Value));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    private static int ClosedPort()
    {
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
