using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Security;
using K8Posture.Shared.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using static K8Posture.Shared.ColumnLengths;

namespace K8Posture.Features.Tickets;

/// <param name="Token">Jira Cloud API token, Jira Data Center personal access token or Azure DevOps PAT; required when the connection is new, kept when omitted.</param>
/// <param name="WebhookSecret">The shared secret incoming webhooks must present; required when new, kept when omitted.</param>
/// <param name="UseAppIdentity">Azure DevOps: authenticate with the app's Entra identity (its AzureAd client credentials) instead of a PAT.</param>
public sealed record SaveTicketConnectionRequest(string Name, TicketSystem System, string BaseUrl, string? UserEmail, string? Token, string? WebhookSecret,
    bool UseAppIdentity = false);

/// <summary>A connection as the API and pages show it: never its token or webhook secret.</summary>
public sealed record TicketConnectionDto(int Id, string Name, TicketSystem System, string BaseUrl, string? UserEmail, DateTimeOffset CreatedAt,
    DateTimeOffset? LastTestedAt, string? LastTestResult, string WebhookPath, bool UsesAppIdentity = false);

public sealed record TicketConnectionTestResult(bool Ok, string Message, RemoteProject? Project);

public sealed record SaveTicketMappingRequest(string Team, string Connection, string Project, string IssueType, string? Labels, string? AreaPath,
    TicketGrouping Grouping, Dictionary<FindingSeverity, string>? Priorities, IReadOnlyList<string>? InProgressStatuses,
    IReadOnlyList<string> ResolvedStatuses, IReadOnlyList<string>? WontFixStatuses, string DoneStatus, string? ReopenStatus);

public sealed record TicketMappingDto(int Id, int TeamId, string Team, int ConnectionId, string Connection, TicketSystem System, string Project, string IssueType,
    string? Labels, string? AreaPath, TicketGrouping Grouping, IReadOnlyDictionary<FindingSeverity, string> Priorities, IReadOnlyList<string> InProgressStatuses,
    IReadOnlyList<string> ResolvedStatuses, IReadOnlyList<string> WontFixStatuses, string DoneStatus, string? ReopenStatus);

/// <summary>Connections and team mappings: Security admins only (checked here, whatever the page or endpoint).</summary>
public sealed class TicketAdminService(IDbContextFactory<K8PostureDbContext> contexts, IAuthorizationService authorization, AuditLog audit,
    TicketConnectionSecrets secrets, TicketRemotes remotes, IGraphAppTokenSource appTokens, TimeProvider clock)
{
    private const string Title = "Invalid ticket connection";
    private const string MappingTitle = "Invalid ticket mapping";

    public async Task<IReadOnlyList<TicketConnectionDto>> ConnectionsAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.TicketConnections.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        return rows.Select(ToDto).ToList();
    }

    public async Task<(TicketConnectionDto Connection, bool Created)> SaveConnectionAsync(ClaimsPrincipal user, SaveTicketConnectionRequest request, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > TicketColumns.Name)
        {
            throw ProblemException.BadRequest(Title, $"name: give a name of 1 to {TicketColumns.Name} characters.", "name");
        }
        if (!Enum.IsDefined(request.System))
        {
            throw ProblemException.BadRequest(Title, "system: one of JiraCloud, JiraDataCenter, AzureDevOps.", "system");
        }
        if (!Uri.TryCreate(request.BaseUrl?.Trim(), UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttps && !(baseUrl.Scheme == Uri.UriSchemeHttp && baseUrl.IsLoopback))
            || !string.IsNullOrEmpty(baseUrl.UserInfo) || baseUrl.OriginalString.Length > TicketColumns.Url)
        {
            throw ProblemException.BadRequest(Title, "baseUrl: an https URL without credentials (the Jira site, or https://dev.azure.com/<organisation>).", "baseUrl");
        }
        var email = string.IsNullOrWhiteSpace(request.UserEmail) ? null : request.UserEmail.Trim();
        if (request.System == TicketSystem.JiraCloud && (email is null || !email.Contains('@', StringComparison.Ordinal) || email.Length > TicketColumns.Email))
        {
            throw ProblemException.BadRequest(Title, "userEmail: Jira Cloud authenticates with the e-mail of the account that owns the API token.", "userEmail");
        }
        if (request.UseAppIdentity && request.System != TicketSystem.AzureDevOps)
        {
            throw ProblemException.BadRequest(Title, "useAppIdentity: only Azure DevOps accepts the app's Entra identity; Jira needs its API token or PAT.", "useAppIdentity");
        }
        if (request.UseAppIdentity && !appTokens.IsConfigured)
        {
            throw ProblemException.BadRequest(Title, "useAppIdentity: the app registration has no client secret or certificate (AzureAd:ClientSecret or AzureAd:ClientCertificates), so it cannot get a token for Azure DevOps.", "useAppIdentity");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        var connection = await db.TicketConnections.SingleOrDefaultAsync(c => c.Name == name, cancellationToken);
        var created = connection is null;
        var oldSecret = connection is null ? null : secrets.Unprotect(connection.SecretProtected);
        // With the app's identity there is no token to keep: a PAT saved earlier is dropped.
        var token = request.UseAppIdentity ? "" : string.IsNullOrWhiteSpace(request.Token) ? NonEmpty(oldSecret?.Token) : request.Token.Trim();
        var webhookSecret = string.IsNullOrWhiteSpace(request.WebhookSecret) ? oldSecret?.WebhookSecret : request.WebhookSecret.Trim();
        if (token is null)
        {
            throw ProblemException.BadRequest(Title, "token: a new connection needs its API token or PAT.", "token");
        }
        if (webhookSecret is null || webhookSecret.Length < 16)
        {
            throw ProblemException.BadRequest(Title, "webhookSecret: at least 16 characters; incoming webhooks must present it.", "webhookSecret");
        }
        var before = connection is null ? null : ToDto(connection);
        connection ??= db.TicketConnections.Add(new TicketConnection { Name = name, BaseUrl = "", SecretProtected = "", CreatedAt = clock.GetUtcNow() }).Entity;
        connection.System = request.System;
        connection.BaseUrl = baseUrl.ToString().TrimEnd('/');
        connection.UserEmail = email;
        connection.UsesAppIdentity = request.UseAppIdentity;
        connection.SecretProtected = secrets.Protect(new TicketConnectionSecret(token, webhookSecret));
        // The audit records that the secrets changed, never their values.
        audit.Record(db, created ? "ticket-connection.create" : "ticket-connection.update", nameof(TicketConnection), name, before,
            new { connection.Name, connection.System, connection.BaseUrl, connection.UserEmail, connection.UsesAppIdentity, TokenChanged = request.Token is { Length: > 0 }, WebhookSecretChanged = request.WebhookSecret is { Length: > 0 } });
        await db.SaveChangesAsync(cancellationToken);
        return (ToDto(connection), created);
    }

    /// <summary>Reads the project with the stored credentials: its issue types and statuses, as the mapping needs them.</summary>
    public async Task<TicketConnectionTestResult?> TestAsync(ClaimsPrincipal user, int connectionId, string? project, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        if (string.IsNullOrWhiteSpace(project))
        {
            throw ProblemException.BadRequest("Invalid connection test", "project: give the Jira project key or Azure DevOps project to read.", "project");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        var connection = await db.TicketConnections.SingleOrDefaultAsync(c => c.Id == connectionId, cancellationToken);
        if (connection is null)
        {
            return null;
        }
        TicketConnectionTestResult result;
        try
        {
            var found = await remotes.For(connection.System).ReadProjectAsync(secrets.Endpoint(connection), project.Trim(), cancellationToken);
            result = new TicketConnectionTestResult(true, $"Read project {found.Name}: {found.IssueTypes.Count} issue types, {found.Statuses.Count} statuses.", found);
        }
        catch (TicketRemoteException ex)
        {
            result = new TicketConnectionTestResult(false, ex.Message, null);
        }
        connection.LastTestedAt = clock.GetUtcNow();
        connection.LastTestResult = Clip(result.Message, TicketColumns.LastError);
        audit.Record(db, "ticket-connection.test", nameof(TicketConnection), connection.Name, after: new { result.Ok, result.Message });
        await db.SaveChangesAsync(cancellationToken);
        return result;
    }

    public async Task<IReadOnlyList<TicketMappingDto>> MappingsAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.TicketMappings.AsNoTracking().Include(m => m.Connection).ToListAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        return rows.Select(m => ToDto(m, teams.GetValueOrDefault(m.TeamId, "?"))).OrderBy(m => m.Team, StringComparer.OrdinalIgnoreCase).ToList();
    }

    public async Task<(TicketMappingDto Mapping, bool Created)> SaveMappingAsync(ClaimsPrincipal user, SaveTicketMappingRequest request, CancellationToken cancellationToken)
    {
        await DemandAdminAsync(user);
        string Required(string? value, string field, int max)
        {
            var trimmed = value?.Trim() ?? "";
            return trimmed.Length is > 0 && trimmed.Length <= max ? trimmed
                : throw ProblemException.BadRequest(MappingTitle, $"{field}: give 1 to {max} characters.", field);
        }
        string? Optional(string? value, string field, int max)
        {
            var trimmed = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
            return trimmed is { Length: > 0 } && trimmed.Length > max ? throw ProblemException.BadRequest(MappingTitle, $"{field}: at most {max} characters.", field) : trimmed;
        }
        string? List(IReadOnlyList<string>? values, string field)
        {
            var joined = values is null ? "" : string.Join(",", values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim().Replace(",", " ", StringComparison.Ordinal)));
            return joined.Length > TicketColumns.Statuses ? throw ProblemException.BadRequest(MappingTitle, $"{field}: at most {TicketColumns.Statuses} characters in all.", field)
                : joined.Length == 0 ? null : joined;
        }
        var teamName = Required(request.Team, "team", 200);
        var connectionName = Required(request.Connection, "connection", TicketColumns.Name);
        var project = Required(request.Project, "project", TicketColumns.Project);
        var issueType = Required(request.IssueType, "issueType", TicketColumns.IssueType);
        var resolved = List(request.ResolvedStatuses, "resolvedStatuses") ?? throw ProblemException.BadRequest(MappingTitle, "resolvedStatuses: name at least one remote status that means resolved.", "resolvedStatuses");
        var done = Required(request.DoneStatus, "doneStatus", TicketColumns.Status);
        if (!Enum.IsDefined(request.Grouping))
        {
            throw ProblemException.BadRequest(MappingTitle, "grouping: one of ImageOrWorkloadFix, Finding, Cve, Rule.", "grouping");
        }
        var priorities = request.Priorities is null ? null
            : string.Join(",", request.Priorities.Where(p => !string.IsNullOrWhiteSpace(p.Value)).Select(p => $"{p.Key}={p.Value.Trim().Replace(",", " ", StringComparison.Ordinal)}"));
        if (priorities is { Length: > TicketColumns.PriorityMap })
        {
            throw ProblemException.BadRequest(MappingTitle, $"priorities: at most {TicketColumns.PriorityMap} characters in all.", "priorities");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Scope.EnsureActsFor(user);
        var team = await db.Teams.SingleOrDefaultAsync(t => t.Name == teamName, cancellationToken)
            ?? throw ProblemException.NotFound("Unknown team", $"team: no team named '{teamName}'.", "team");
        var connection = await db.TicketConnections.SingleOrDefaultAsync(c => c.Name == connectionName, cancellationToken)
            ?? throw ProblemException.NotFound("Unknown connection", $"connection: no ticket connection named '{connectionName}'.", "connection");
        var mapping = await db.TicketMappings.SingleOrDefaultAsync(m => m.TeamId == team.Id, cancellationToken);
        var created = mapping is null;
        var before = mapping is null ? null : ToDto(mapping, team.Name);
        mapping ??= db.TicketMappings.Add(new TicketMapping { TeamId = team.Id, Project = "", IssueType = "", ResolvedStatuses = "", DoneStatus = "" }).Entity;
        mapping.ConnectionId = connection.Id;
        mapping.Connection = connection;
        mapping.Project = project;
        mapping.IssueType = issueType;
        mapping.Labels = Optional(request.Labels, "labels", TicketColumns.Labels);
        mapping.AreaPath = Optional(request.AreaPath, "areaPath", TicketColumns.Project);
        mapping.Grouping = request.Grouping;
        mapping.PriorityMap = string.IsNullOrEmpty(priorities) ? null : priorities;
        mapping.InProgressStatuses = List(request.InProgressStatuses, "inProgressStatuses");
        mapping.ResolvedStatuses = resolved;
        mapping.WontFixStatuses = List(request.WontFixStatuses, "wontFixStatuses");
        mapping.DoneStatus = done;
        mapping.ReopenStatus = Optional(request.ReopenStatus, "reopenStatus", TicketColumns.Status);
        mapping.UpdatedAt = clock.GetUtcNow();
        var after = ToDto(mapping, team.Name);
        audit.Record(db, created ? "ticket-mapping.create" : "ticket-mapping.update", nameof(TicketMapping), team.Name, before, after);
        await db.SaveChangesAsync(cancellationToken);
        return (after with { Id = mapping.Id }, created);
    }

    internal async Task DemandAdminAsync(ClaimsPrincipal user)
    {
        if (!(await authorization.AuthorizeAsync(user, Policies.ApiAdmin)).Succeeded)
        {
            throw ProblemException.Forbidden("Ticket connections, mappings and the ticket outbox are Security admins' (Security.Admin or an admin key).");
        }
    }

    private static TicketConnectionDto ToDto(TicketConnection c) => new(c.Id, c.Name, c.System, c.BaseUrl, c.UserEmail, c.CreatedAt, c.LastTestedAt, c.LastTestResult,
        c.System == TicketSystem.AzureDevOps ? $"/api/v1/webhooks/azure-devops?connection={c.Id}" : $"/api/v1/webhooks/jira?connection={c.Id}", c.UsesAppIdentity);

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    internal static TicketMappingDto ToDto(TicketMapping m, string team) => new(m.Id, m.TeamId, team, m.ConnectionId, m.Connection?.Name ?? "", m.Connection?.System ?? default,
        m.Project, m.IssueType, m.Labels, m.AreaPath, m.Grouping, ParsePriorities(m.PriorityMap), Split(m.InProgressStatuses), Split(m.ResolvedStatuses), Split(m.WontFixStatuses),
        m.DoneStatus, m.ReopenStatus);

    internal static IReadOnlyList<string> Split(string? list) => string.IsNullOrEmpty(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal static IReadOnlyDictionary<FindingSeverity, string> ParsePriorities(string? map) =>
        Split(map).Select(p => p.Split('=', 2)).Where(p => p.Length == 2 && Enum.TryParse<FindingSeverity>(p[0], out _))
            .ToDictionary(p => Enum.Parse<FindingSeverity>(p[0]), p => p[1]);

    /// <summary>What a remote status means for this mapping; statuses it does not name mean open.</summary>
    internal static TicketState StateOf(TicketMapping mapping, string? status)
    {
        bool In(string? list) => status is not null && Split(list).Contains(status, StringComparer.OrdinalIgnoreCase);
        return In(mapping.ResolvedStatuses) ? TicketState.Resolved
            : In(mapping.WontFixStatuses) ? TicketState.WontFix
            : In(mapping.InProgressStatuses) ? TicketState.InProgress
            : TicketState.Open;
    }
}

/// <summary>The remote API of each ticket system (typed HTTP clients).</summary>
public sealed class TicketRemotes(JiraRemote jira, AzureDevOpsRemote azureDevOps)
{
    public ITicketRemote For(TicketSystem system) => system == TicketSystem.AzureDevOps ? azureDevOps : jira;
}
