using System.Diagnostics;
using System.Net;
using System.Text;
using Xunit.Abstractions;

namespace K8Posture.IntegrationTests.Security;

/// <summary>
/// Every endpoint the app maps (API routes, Blazor pages, account, health, OpenAPI/Scalar, Hangfire, Blazor's own) is
/// called by every kind of caller, and what each gets must be what <see cref="AccessMatrix"/> says. A new endpoint fails
/// here until someone decides who may call it.
/// </summary>
[Collection(DemoPortalCollection.Name)]
public sealed class AccessMatrixFacts(DemoPortal portal, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_endpoint_answers_every_caller_as_the_access_matrix_says()
    {
        var clock = Stopwatch.StartNew();
        var endpoints = portal.Endpoints();
        var rows = AccessMatrix.Rows.ToDictionary(r => r.Endpoint);
        var problems = new List<string>();

        var duplicates = AccessMatrix.Rows.GroupBy(r => r.Endpoint).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        problems.AddRange(duplicates.Select(d => $"the matrix lists {d} twice"));
        var stale = rows.Keys.Except(endpoints.Select(e => e.Key)).ToList();
        problems.AddRange(stale.Select(s => $"the matrix lists {s}, which the app no longer maps"));

        // What each caller actually gets, for every mapped endpoint (those missing from the matrix too, with a guessed path).
        var work = endpoints.Select(e => (Endpoint: e, Path: portal.Fill(rows.TryGetValue(e.Key, out var row) ? row.SamplePath : GuessPath(e.Pattern)))).ToList();
        // Reads run for all callers at once; changes run one caller at a time, weakest first, so that an earlier
        // caller's change (a revoked acceptance, a submitted assessment) cannot race a later caller's answer.
        var reads = work.Where(w => w.Endpoint.Method == "GET").ToList();
        var changes = work.Except(reads).ToList();
        var answers = (await Task.WhenAll(AccessMatrix.Callers.Select(caller => CallAsync(caller, reads)))).SelectMany(a => a).ToList();
        foreach (var caller in AccessMatrix.Callers.OrderBy(c => c.Role == K8Posture.Security.Roles.SecurityAdmin || c.Scope == K8Posture.Security.ApiScopes.Admin))
        {
            answers.AddRange(await CallAsync(caller, changes));
        }

        var actual = endpoints.ToDictionary(e => e.Key, e => AccessMatrix.Callers.Select(c => answers.Single(a => a.Caller == c && a.Key == e.Key)).ToList());
        foreach (var answer in actual.Values.SelectMany(a => a).Where(a => a.Seen.Contains("5xx", StringComparison.Ordinal) || a.Seen.Contains("429", StringComparison.Ordinal)))
        {
            problems.Add($"{answer.Seen}: the matrix cannot tell whether access was granted");
        }
        var suggestions = new StringBuilder();
        foreach (var endpoint in endpoints)
        {
            var cells = actual[endpoint.Key].Select(a => a.Access).ToList();
            if (!rows.TryGetValue(endpoint.Key, out var row))
            {
                problems.Add($"{endpoint.Key} is mapped but not in the access matrix");
                suggestions.Append($"        new(\"{endpoint.Key}\", \"{GuessPath(endpoint.Pattern)}\", \"{AccessMatrix.Format(cells)}\"),\n");
                continue;
            }
            for (var i = 0; i < cells.Count; i++)
            {
                if (cells[i] != row.Cells[i])
                {
                    problems.Add($"{endpoint.Key} as {AccessMatrix.Callers[i].Column}: expected {row.Cells[i]}, got {cells[i]} ({actual[endpoint.Key][i].Seen})");
                }
            }
            if (!cells.SequenceEqual(row.Cells))
            {
                suggestions.Append($"        new(\"{endpoint.Key}\", \"{row.SamplePath}\", \"{AccessMatrix.Format(cells)}\"),  // was {row.Profile}\n");
            }
        }
        // Every answer, for a person reviewing a change to the matrix.
        await File.WriteAllLinesAsync(Path.Combine(Path.GetTempPath(), "k8posture-access-matrix-answers.txt"),
            answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Caller.Column,-18} {a.Seen}"));
        output.WriteLine($"{endpoints.Count} endpoints × {AccessMatrix.Callers.Count} callers in {clock.Elapsed.TotalSeconds:0.0} s");
        if (suggestions.Length > 0)
        {
            output.WriteLine("Rows as the app answers now (check every cell before copying):\n" + suggestions);
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_readme_shows_the_access_matrix_exactly()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf(AccessMatrix.StartMarker, StringComparison.Ordinal);
        var end = readme.IndexOf(AccessMatrix.EndMarker, StringComparison.Ordinal);
        var expected = AccessMatrix.RenderMarkdown();
        if (start < 0 || end < start || readme[start..(end + AccessMatrix.EndMarker.Length)] != expected)
        {
            var rendered = Path.Combine(Path.GetTempPath(), "k8posture-access-matrix.md");
            File.WriteAllText(rendered, expected + "\n");
            Assert.Fail($"README.md must hold the access matrix between {AccessMatrix.StartMarker} and {AccessMatrix.EndMarker} exactly as rendered; the rendering is in {rendered}.");
        }
    }

    [Fact]
    public void Every_row_has_one_cell_per_caller_and_team_keys_never_hold_admin()
    {
        Assert.All(AccessMatrix.Rows, row => Assert.Equal(AccessMatrix.Callers.Count, row.Cells.Count));
        Assert.DoesNotContain(AccessMatrix.Callers, c => c.TeamBound && c.Scope == K8Posture.Security.ApiScopes.Admin);
    }

    private async Task<List<(MatrixCaller Caller, string Key, Access Access, string Seen)>> CallAsync(MatrixCaller caller, IEnumerable<(PortalEndpoint Endpoint, string Path)> work)
    {
        var client = portal.Clients[caller.Column];
        var answers = new List<(MatrixCaller, string, Access, string)>();
        foreach (var (endpoint, path) in work)
        {
            using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path);
            if (endpoint.Method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }
            using var response = await client.SendAsync(request);
            var (access, seen) = Classify(response);
            answers.Add((caller, endpoint.Key, access, $"{endpoint.Method} {path} → {seen}"));
        }
        return answers;
    }

    private static (Access Access, string Seen) Classify(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var location = response.Headers.Location?.OriginalString ?? "";
        var target = location.Split('?')[0];
        if (Uri.TryCreate(target, UriKind.Absolute, out var absolute))
        {
            target = absolute.AbsolutePath;
        }
        var seen = status is >= 300 and < 400 ? $"{status} → {target}" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (status >= 500)
        {
            return (Access.Allowed, seen + " (5xx)");
        }
        return status switch
        {
            401 => (Access.SignIn, seen),
            403 => (Access.Refused, seen),
            _ when status is >= 300 and < 400 && target.StartsWith("/account/signin", StringComparison.OrdinalIgnoreCase) => (Access.SignIn, seen),
            _ when status is >= 300 and < 400 && (target.StartsWith("/account/access-denied", StringComparison.OrdinalIgnoreCase)
                || target.StartsWith("/account/no-role", StringComparison.OrdinalIgnoreCase)) => (Access.Refused, seen),
            _ => (Access.Allowed, seen),
        };
    }

    /// <summary>For an endpoint the matrix does not know yet: every route parameter becomes 1.</summary>
    private static string GuessPath(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{\*{0,2}[^}]*\}", "1");

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "K8Posture.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("K8Posture.sln not found above " + AppContext.BaseDirectory);
    }
}
