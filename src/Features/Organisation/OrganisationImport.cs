using K8Posture.Shared.Http;
using System.Globalization;
using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using K8Posture.Shared;

namespace K8Posture.Features.Organisation;

/// <summary>What changes for one field: <c>{from, to}</c>.</summary>
public sealed record FieldChange(object? From, object? To);

/// <summary>One entity the document names. Kind: businessUnit, team, group, application, pipelineIdentity, namespaceOwnership. Action: create, update or unchanged.</summary>
public sealed record OrganisationEntityChange(string Kind, string Name, string Action, IReadOnlyDictionary<string, FieldChange> Changes);

public sealed record OrganisationDiffTotals(int Create, int Update, int Unchanged);

/// <summary>The answer of an import or dry run: every entity the document names, and what it does (did) to it.</summary>
public sealed record OrganisationDiff(bool DryRun, bool Applied, string Source, OrganisationDiffTotals Totals, IReadOnlyList<OrganisationEntityChange> Entities);

/// <summary>
/// Applies an <see cref="OrganisationDocument"/>: upserts business units, teams and applications by name, Entra groups
/// by object id and pipeline identities by Entra id. What the document does not name is left alone, and so is a field
/// it leaves out; a group, application or pipeline identity the document places in another team moves there. The
/// namespace ownership rules, when given, become a new policy version when they differ. Everything is checked first
/// (every problem in one <see cref="OrganisationDocumentException"/>), then written in one SaveChanges — one
/// transaction — with an audit event per entity and one <c>organisation.import</c> summary. Importing the same
/// document again finds nothing to change and writes nothing.
/// </summary>
public sealed class OrganisationImport(IDbContextFactory<K8PostureDbContext> contexts, AuditLog audit, IMemoryCache cache, TimeProvider clock)
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Unchanged = "unchanged";

    /// <summary>
    /// Reads a YAML, JSON or CSV payload and applies it. A document with problems of its own is still checked against
    /// the stored organisation as far as it could be read, so that the one refusal lists every problem.
    /// </summary>
    /// <exception cref="OrganisationDocumentException">Every problem of the document, each with its path; nothing was written.</exception>
    public async Task<OrganisationDiff> ReadAndApplyAsync(ReadOnlyMemory<byte> payload, bool dryRun, CancellationToken cancellationToken)
    {
        OrganisationDocument document;
        OrganisationFormat format;
        try
        {
            (document, format) = OrganisationDocumentReader.Read(payload);
        }
        catch (OrganisationDocumentException ex) when (ex.Partial is not null)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            RequireOrganisationWide(db.Scope);
            var stored = await StoredOrganisation.LoadAsync(db, cancellationToken);
            throw new OrganisationDocumentException([.. ex.Errors, .. stored.Check(ex.Partial)]);
        }
        return await ApplyAsync(document, format, dryRun, cancellationToken);
    }

    /// <exception cref="OrganisationDocumentException">The document names what does not fit the stored organisation; nothing was written.</exception>
    /// <exception cref="ProblemException">403 for a caller who does not see every team; 409 when the organisation changed meanwhile.</exception>
    public async Task<OrganisationDiff> ApplyAsync(OrganisationDocument document, OrganisationFormat source, bool dryRun, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireOrganisationWide(db.Scope);
        var stored = await StoredOrganisation.LoadAsync(db, cancellationToken);
        var errors = stored.Check(document);
        if (errors.Count > 0)
        {
            throw new OrganisationDocumentException(errors);
        }

        var run = new ImportRun(db, audit, stored, clock);
        run.Apply(document);
        var entities = run.Entities;
        var totals = new OrganisationDiffTotals(entities.Count(e => e.Action == Create), entities.Count(e => e.Action == Update), entities.Count(e => e.Action == Unchanged));
        var changes = totals.Create + totals.Update > 0;
        var sourceName = source.ToString().ToLowerInvariant();
        if (dryRun || !changes)
        {
            return new OrganisationDiff(dryRun, Applied: false, sourceName, totals, entities);
        }

        try
        {
            await OrganisationService.InTransactionAsync(db, async ct =>
            {
                await db.SaveChangesAsync(ct);
                run.WriteAudits();
                audit.Record(db, "organisation.import", "Organisation", null, after: new
                {
                    source = sourceName,
                    created = totals.Create,
                    updated = totals.Update,
                    unchanged = totals.Unchanged,
                    entities = entities.Where(e => e.Action != Unchanged).Select(e => $"{e.Action} {e.Kind} {e.Name}").ToList(),
                });
                await db.SaveChangesAsync(ct);
            }, cancellationToken, "The organisation changed while the document was being imported; nothing was written. Import it again.");
        }
        finally
        {
            cache.Remove(OrganisationService.TeamGroupsCacheKey);
            cache.Remove(OrganisationService.PipelineIdentitiesCacheKey);
        }
        return new OrganisationDiff(dryRun, Applied: true, sourceName, totals, entities);
    }

    /// <summary>The stored organisation as a document: every field given, so that importing it back changes nothing.</summary>
    public async Task<OrganisationDocument> ExportAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireOrganisationWide(db.Scope);
        var stored = await StoredOrganisation.LoadAsync(db, cancellationToken);

        TeamEntry Team(Team team) => new("", team.Name, Given<string?>.Of(team.Description), Given<string?>.Of(team.ContactEmail), Given<string?>.Of(team.ChatChannel),
            team.Groups.OrderBy(g => g.DisplayName ?? "", StringComparer.Ordinal).ThenBy(g => g.EntraGroupId, StringComparer.Ordinal)
                .Select(g => new GroupEntry("", g.EntraGroupId, Given<string?>.Of(g.DisplayName))).ToList(),
            stored.Applications.Values.Where(a => a.Team == team).OrderBy(a => a.Name, StringComparer.Ordinal)
                .Select(a => new ApplicationEntry("", a.Name, Given<string?>.Of(a.Description), Given<DataClassification>.Of(a.DataClassification),
                    Given<string?>.Of(a.RegulatoryScope), Given<bool>.Of(a.IsVendorProduct), Given<string?>.Of(a.RequiredPrivileges))).ToList());

        var teams = stored.Teams.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var rules = stored.Policy.Normalised().NamespaceOwnership;
        return new OrganisationDocument(
            stored.BusinessUnits.Values.OrderBy(b => b.Name, StringComparer.Ordinal)
                .Select(b => new BusinessUnitEntry("", b.Name, Given<string?>.Of(b.Description), teams.Where(t => t.BusinessUnit == b).Select(Team).ToList())).ToList(),
            teams.Where(t => t.BusinessUnit is null).Select(Team).ToList(),
            stored.PipelineIdentities.Values.OrderBy(p => p.DisplayName, StringComparer.Ordinal).ThenBy(p => p.EntraId, StringComparer.Ordinal)
                .Select(p => new PipelineIdentityEntry("", p.EntraId, p.DisplayName, p.Team?.Name)).ToList(),
            new NamespaceOwnershipEntry("", Given<IReadOnlyList<string>>.Of(rules.LabelKeys), Given<IReadOnlyList<string>>.Of(rules.AnnotationKeys),
                Given<IReadOnlyDictionary<string, string>>.Of(rules.Explicit)));
    }

    private static void RequireOrganisationWide(DataScope scope)
    {
        if (!scope.SeesAllTeams)
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Forbidden",
                "The organisation document covers every team: only organisation-wide callers (the Security Team, leadership, auditors, pipeline keys without a team) read or import it.");
        }
    }

    /// <summary>Everything the document may touch, tracked by one context so that one SaveChanges writes it all.</summary>
    private sealed class StoredOrganisation
    {
        public required Dictionary<string, BusinessUnit> BusinessUnits { get; init; }
        public required Dictionary<string, Team> Teams { get; init; }
        public required Dictionary<string, TeamGroup> Groups { get; init; }
        public required Dictionary<string, Application> Applications { get; init; }
        public required Dictionary<string, PipelineIdentity> PipelineIdentities { get; init; }
        public required PolicyDocument Policy { get; init; }
        public required int PolicyVersion { get; init; }

        public static async Task<StoredOrganisation> LoadAsync(K8PostureDbContext db, CancellationToken cancellationToken)
        {
            // Loaded in this order so that the context fixes up every navigation (team → business unit, application → team).
            var businessUnits = await db.BusinessUnits.ToListAsync(cancellationToken);
            var teams = await db.Teams.Include(t => t.Groups).ToListAsync(cancellationToken);
            var applications = await db.Applications.ToListAsync(cancellationToken);
            var pipelines = await db.PipelineIdentities.ToListAsync(cancellationToken);
            var latest = await db.PolicyVersions.AsNoTracking().OrderByDescending(v => v.Version).FirstOrDefaultAsync(cancellationToken);
            return new StoredOrganisation
            {
                BusinessUnits = businessUnits.ToDictionary(b => b.Name, StringComparer.Ordinal),
                Teams = teams.ToDictionary(t => t.Name, StringComparer.Ordinal),
                Groups = teams.SelectMany(t => t.Groups).ToDictionary(g => g.EntraGroupId, StringComparer.OrdinalIgnoreCase),
                Applications = applications.ToDictionary(a => a.Name, StringComparer.Ordinal),
                PipelineIdentities = pipelines.ToDictionary(p => p.EntraId, StringComparer.OrdinalIgnoreCase),
                Policy = latest is null ? PolicyDocument.Default() : PolicyDocument.FromJson(latest.Document),
                PolicyVersion = latest?.Version ?? 0,
            };
        }

        /// <summary>What only the stored organisation can tell: names that differ from a stored one only in case, and teams referred to but defined nowhere.</summary>
        public List<OrganisationDocumentError> Check(OrganisationDocument document)
        {
            var errors = new List<OrganisationDocumentError>();
            foreach (var businessUnit in document.BusinessUnits)
            {
                CaseClash(BusinessUnits.Keys, businessUnit.Name, "business unit", businessUnit.Path, errors);
            }
            foreach (var (team, _) in document.AllTeams)
            {
                CaseClash(Teams.Keys, team.Name, "team", team.Path, errors);
                foreach (var application in team.Applications)
                {
                    CaseClash(Applications.Keys, application.Name, "application", application.Path, errors);
                }
            }
            var defined = document.AllTeams.Select(t => t.Team.Name).Concat(Teams.Keys).ToHashSet(StringComparer.Ordinal);
            foreach (var pipeline in document.PipelineIdentities.Where(p => p.Team is not null && !defined.Contains(p.Team)))
            {
                errors.Add(new OrganisationDocumentError(OrganisationPath.Of(pipeline.Path, "team"), UnknownTeam(pipeline.Team!, defined)));
            }
            if (document.NamespaceOwnership?.Explicit is { IsGiven: true, Value: var rules })
            {
                foreach (var (key, team) in rules.Where(r => !defined.Contains(r.Value)))
                {
                    errors.Add(new OrganisationDocumentError($"{OrganisationPath.Of(document.NamespaceOwnership.Path, "explicit")}[\"{key}\"]", UnknownTeam(team, defined)));
                }
            }
            return errors;
        }

        private static string UnknownTeam(string team, HashSet<string> defined)
        {
            var near = defined.FirstOrDefault(d => string.Equals(d, team, StringComparison.OrdinalIgnoreCase));
            return near is not null
                ? $"No team '{team}' is defined in the document or stored; did you mean '{near}'? (names are matched exactly)"
                : $"No team '{team}' is defined in the document or stored; add it to the document's teams.";
        }

        private static void CaseClash(IEnumerable<string> stored, string name, string what, string path, List<OrganisationDocumentError> errors)
        {
            if (stored.Contains(name, StringComparer.Ordinal))
            {
                return;
            }
            var clash = stored.FirstOrDefault(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase));
            if (clash is not null)
            {
                errors.Add(new OrganisationDocumentError(OrganisationPath.Of(path, "name"),
                    $"The {what} '{name}' differs only in case from the stored '{clash}'; write it as stored (a rename is done under Admin → Organisation)."));
            }
        }
    }

    /// <summary>One pass over the document against the tracked entities: changes them, records audit events, and lists what it did.</summary>
    private sealed class ImportRun(K8PostureDbContext db, AuditLog audit, StoredOrganisation stored, TimeProvider clock)
    {
        private readonly List<Action> _audits = [];

        public List<OrganisationEntityChange> Entities { get; } = [];

        public void Apply(OrganisationDocument document)
        {
            foreach (var businessUnit in document.BusinessUnits)
            {
                ApplyBusinessUnit(businessUnit);
            }
            foreach (var (team, businessUnit) in document.AllTeams)
            {
                ApplyTeam(team, businessUnit is null ? null : stored.BusinessUnits[businessUnit.Name]);
            }
            foreach (var (team, _) in document.AllTeams)
            {
                foreach (var group in team.Groups)
                {
                    ApplyGroup(group, stored.Teams[team.Name]);
                }
            }
            foreach (var (team, _) in document.AllTeams)
            {
                foreach (var application in team.Applications)
                {
                    ApplyApplication(application, stored.Teams[team.Name]);
                }
            }
            foreach (var pipeline in document.PipelineIdentities)
            {
                ApplyPipelineIdentity(pipeline);
            }
            if (document.NamespaceOwnership is { } ownership)
            {
                ApplyNamespaceOwnership(ownership);
            }
        }

        private void ApplyBusinessUnit(BusinessUnitEntry entry)
        {
            var changes = new Changes();
            if (!stored.BusinessUnits.TryGetValue(entry.Name, out var entity))
            {
                entity = new BusinessUnit { Name = entry.Name, Description = entry.Description.Or(null) };
                db.BusinessUnits.Add(entity);
                stored.BusinessUnits[entity.Name] = entity;
                changes.Created("description", entity.Description);
                Audit("business-unit.create", nameof(BusinessUnit), () => Id(entity.Id), null, () => Snapshot(entity));
                Record("businessUnit", entity.Name, Create, changes);
                return;
            }
            var before = Snapshot(entity);
            changes.Compare("description", entity.Description, entry.Description, v => entity.Description = v);
            Finish("businessUnit", entity.Name, () => Id(entity.Id), changes, "business-unit.update", nameof(BusinessUnit), before, () => Snapshot(entity));
        }

        private void ApplyTeam(TeamEntry entry, BusinessUnit? businessUnit)
        {
            var changes = new Changes();
            if (!stored.Teams.TryGetValue(entry.Name, out var entity))
            {
                entity = new Team
                {
                    Name = entry.Name,
                    BusinessUnit = businessUnit,
                    Description = entry.Description.Or(null),
                    ContactEmail = entry.ContactEmail.Or(null),
                    ChatChannel = entry.ChatChannel.Or(null),
                };
                db.Teams.Add(entity);
                stored.Teams[entity.Name] = entity;
                changes.Created("businessUnit", businessUnit?.Name).Created("description", entity.Description)
                    .Created("contactEmail", entity.ContactEmail).Created("chatChannel", entity.ChatChannel);
                Audit("team.create", nameof(Team), () => Id(entity.Id), null, () => Snapshot(entity));
                Record("team", entity.Name, Create, changes);
                return;
            }
            var before = Snapshot(entity);
            changes.Compare("businessUnit", entity.BusinessUnit?.Name, Given<string?>.Of(businessUnit?.Name), _ =>
            {
                entity.BusinessUnit = businessUnit;
                if (businessUnit is null)
                {
                    entity.BusinessUnitId = null;
                }
            });
            changes.Compare("description", entity.Description, entry.Description, v => entity.Description = v);
            changes.Compare("contactEmail", entity.ContactEmail, entry.ContactEmail, v => entity.ContactEmail = v);
            changes.Compare("chatChannel", entity.ChatChannel, entry.ChatChannel, v => entity.ChatChannel = v);
            Finish("team", entity.Name, () => Id(entity.Id), changes, "team.update", nameof(Team), before, () => Snapshot(entity));
        }

        private void ApplyGroup(GroupEntry entry, Team team)
        {
            var changes = new Changes();
            if (!stored.Groups.TryGetValue(entry.Id, out var entity))
            {
                entity = new TeamGroup { EntraGroupId = entry.Id, Team = team, DisplayName = entry.DisplayName.Or(null) };
                team.Groups.Add(entity);
                db.TeamGroups.Add(entity);
                stored.Groups[entity.EntraGroupId] = entity;
                changes.Created("team", team.Name).Created("displayName", entity.DisplayName);
                Audit("team-group.add", nameof(TeamGroup), () => entity.EntraGroupId, null, () => Snapshot(entity));
                Record("group", entity.EntraGroupId, Create, changes);
                return;
            }
            var before = Snapshot(entity);
            var moved = false;
            changes.Compare("team", entity.Team!.Name, Given<string?>.Of(team.Name), _ =>
            {
                // The document is authoritative for what it names: the group leaves its old team for this one.
                Audit("team-group.remove", nameof(TeamGroup), () => entity.EntraGroupId, before, null);
                entity.Team = team;
                team.Groups.Add(entity);
                moved = true;
            });
            changes.Compare("displayName", entity.DisplayName, entry.DisplayName, v => entity.DisplayName = v);
            if (changes.Count == 0)
            {
                Record("group", entity.EntraGroupId, Unchanged, changes);
                return;
            }
            Audit("team-group.add", nameof(TeamGroup), () => entity.EntraGroupId, moved ? null : before, () => Snapshot(entity));
            Record("group", entity.EntraGroupId, Update, changes);
        }

        private void ApplyApplication(ApplicationEntry entry, Team team)
        {
            var changes = new Changes();
            if (!stored.Applications.TryGetValue(entry.Name, out var entity))
            {
                entity = new Application
                {
                    Name = entry.Name,
                    Team = team,
                    Description = entry.Description.Or(null),
                    DataClassification = entry.DataClassification.Or(DataClassification.Unknown),
                    RegulatoryScope = entry.RegulatoryScope.Or(null),
                    IsVendorProduct = entry.VendorProduct.Or(false),
                    RequiredPrivileges = entry.RequiredPrivileges.Or(null),
                };
                db.Applications.Add(entity);
                stored.Applications[entity.Name] = entity;
                changes.Created("team", team.Name).Created("description", entity.Description)
                    .Created("dataClassification", entity.DataClassification.ToString()).Created("regulatoryScope", entity.RegulatoryScope)
                    .Created("vendorProduct", entity.IsVendorProduct).Created("requiredPrivileges", entity.RequiredPrivileges);
                Audit("application.create", nameof(Application), () => Id(entity.Id), null, () => Snapshot(entity));
                Record("application", entity.Name, Create, changes);
                return;
            }
            var before = Snapshot(entity);
            changes.Compare("team", entity.Team!.Name, Given<string?>.Of(team.Name), _ => entity.Team = team);
            changes.Compare("description", entity.Description, entry.Description, v => entity.Description = v);
            changes.Compare("dataClassification", entity.DataClassification.ToString(),
                entry.DataClassification.IsGiven ? Given<string?>.Of(entry.DataClassification.Value.ToString()) : Given<string?>.Omitted,
                _ => entity.DataClassification = entry.DataClassification.Value);
            changes.Compare("regulatoryScope", entity.RegulatoryScope, entry.RegulatoryScope, v => entity.RegulatoryScope = v);
            changes.Compare("vendorProduct", entity.IsVendorProduct, entry.VendorProduct, v => entity.IsVendorProduct = v);
            changes.Compare("requiredPrivileges", entity.RequiredPrivileges, entry.RequiredPrivileges, v => entity.RequiredPrivileges = v);
            Finish("application", entity.Name, () => Id(entity.Id), changes, "application.update", nameof(Application), before, () => Snapshot(entity));
        }

        private void ApplyPipelineIdentity(PipelineIdentityEntry entry)
        {
            var team = entry.Team is null ? null : stored.Teams[entry.Team];
            var changes = new Changes();
            if (!stored.PipelineIdentities.TryGetValue(entry.EntraId, out var entity))
            {
                entity = new PipelineIdentity
                {
                    EntraId = entry.EntraId,
                    DisplayName = entry.DisplayName,
                    Team = team,
                    CreatedAt = clock.GetUtcNow(),
                    CreatedBy = db.Scope.Actor,
                };
                db.PipelineIdentities.Add(entity);
                stored.PipelineIdentities[entity.EntraId] = entity;
                changes.Created("displayName", entity.DisplayName).Created("team", team?.Name);
                Audit("pipeline-identity.create", nameof(PipelineIdentity), () => entity.EntraId, null, () => Snapshot(entity));
                Record("pipelineIdentity", entity.EntraId, Create, changes);
                return;
            }
            var before = Snapshot(entity);
            changes.Compare("displayName", entity.DisplayName, Given<string>.Of(entry.DisplayName), v => entity.DisplayName = v);
            changes.Compare("team", entity.Team?.Name, Given<string?>.Of(team?.Name), _ =>
            {
                entity.Team = team;
                if (team is null)
                {
                    entity.TeamId = null;
                }
            });
            Finish("pipelineIdentity", entity.EntraId, () => entity.EntraId, changes, "pipeline-identity.update", nameof(PipelineIdentity), before, () => Snapshot(entity));
        }

        /// <summary>
        /// A new policy version, written in this transaction with the audit event the policy store writes
        /// (<c>policy.save</c>, before/after), so that the import stays all or nothing.
        /// </summary>
        private void ApplyNamespaceOwnership(NamespaceOwnershipEntry entry)
        {
            var current = stored.Policy.Normalised();
            var rules = current.NamespaceOwnership;
            var proposed = current.Clone();
            proposed.NamespaceOwnership = new NamespaceOwnershipRules
            {
                LabelKeys = entry.LabelKeys.Or(rules.LabelKeys).ToList(),
                AnnotationKeys = entry.AnnotationKeys.Or(rules.AnnotationKeys).ToList(),
                Explicit = entry.Explicit.Or(rules.Explicit).ToDictionary(p => p.Key, p => p.Value),
            };
            var normalised = proposed.Normalised();
            var next = normalised.NamespaceOwnership;
            var changes = new Changes();
            if (!rules.LabelKeys.SequenceEqual(next.LabelKeys, StringComparer.Ordinal))
            {
                changes["labelKeys"] = new FieldChange(rules.LabelKeys, next.LabelKeys);
            }
            if (!rules.AnnotationKeys.SequenceEqual(next.AnnotationKeys, StringComparer.Ordinal))
            {
                changes["annotationKeys"] = new FieldChange(rules.AnnotationKeys, next.AnnotationKeys);
            }
            if (!rules.Explicit.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(next.Explicit.OrderBy(p => p.Key, StringComparer.Ordinal)))
            {
                changes["explicit"] = new FieldChange(rules.Explicit, next.Explicit);
            }
            if (changes.Count == 0)
            {
                Record("namespaceOwnership", "policy", Unchanged, changes);
                return;
            }
            var version = new PolicyVersion
            {
                Version = stored.PolicyVersion + 1,
                CreatedAt = clock.GetUtcNow(),
                CreatedBy = db.Scope.Actor,
                Comment = "Namespace ownership from an organisation import",
                Document = normalised.ToJson(),
            };
            db.PolicyVersions.Add(version);
            Audit("policy.save", nameof(PolicyVersion), () => Id(version.Version),
                new { version = stored.PolicyVersion, document = current },
                () => new { version = version.Version, comment = version.Comment, document = normalised });
            Record("namespaceOwnership", "policy", Update, changes);
        }

        private void Finish(string kind, string name, Func<string> entityId, Changes changes, string action, string entityType, object before, Func<object> after)
        {
            if (changes.Count == 0)
            {
                Record(kind, name, Unchanged, changes);
                return;
            }
            Audit(action, entityType, entityId, before, after);
            Record(kind, name, Update, changes);
        }

        /// <summary>
        /// Audit events wait for the rows' first save, so a new business unit, team or application is recorded by its
        /// database id, as every other change to it is (renames would otherwise split its history).
        /// </summary>
        private void Audit(string action, string entityType, Func<string> entityId, object? before, Func<object>? after) =>
            _audits.Add(() => audit.Record(db, action, entityType, entityId(), before, after?.Invoke()));

        public void WriteAudits() => _audits.ForEach(write => write());

        private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

        private void Record(string kind, string name, string action, Changes changes) => Entities.Add(new OrganisationEntityChange(kind, name, action, changes));

        private static object Snapshot(BusinessUnit b) => new { name = b.Name, description = b.Description };

        private static object Snapshot(Team t) => new
        {
            name = t.Name, businessUnit = t.BusinessUnit?.Name, description = t.Description, contactEmail = t.ContactEmail, chatChannel = t.ChatChannel,
        };

        private static object Snapshot(TeamGroup g) => new { team = g.Team?.Name, entraGroupId = g.EntraGroupId, displayName = g.DisplayName };

        private static object Snapshot(Application a) => new
        {
            name = a.Name, team = a.Team?.Name, description = a.Description, dataClassification = a.DataClassification.ToString(),
            regulatoryScope = a.RegulatoryScope, vendorProduct = a.IsVendorProduct, requiredPrivileges = a.RequiredPrivileges,
        };

        private static object Snapshot(PipelineIdentity p) => new { entraId = p.EntraId, displayName = p.DisplayName, team = p.Team?.Name };
    }

    private sealed class Changes : Dictionary<string, FieldChange>
    {
        public Changes() : base(StringComparer.Ordinal)
        {
        }

        /// <summary>A field of a new entity; fields it leaves empty are not listed.</summary>
        public Changes Created(string field, object? value)
        {
            if (value is not null)
            {
                this[field] = new FieldChange(null, value);
            }
            return this;
        }

        public void Compare<T>(string field, T current, Given<T> given, Action<T> set)
        {
            if (given.IsGiven && !EqualityComparer<T>.Default.Equals(current, given.Value))
            {
                this[field] = new FieldChange(current, given.Value);
                set(given.Value);
            }
        }
    }
}
