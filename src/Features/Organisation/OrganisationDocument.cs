using K8Posture.Shared.Http;
namespace K8Posture.Features.Organisation;

/// <summary>
/// A field of an organisation document that may be left out. Left out means "leave what is stored alone";
/// given (even as null or empty) means "make it this".
/// </summary>
public readonly record struct Given<T>(bool IsGiven, T Value)
{
    public static Given<T> Omitted => default;

    public static Given<T> Of(T value) => new(true, value);

    /// <summary>The given value, or <paramref name="current"/> when the field was left out.</summary>
    public T Or(T current) => IsGiven ? Value : current;
}

/// <summary>
/// The organisation as code (<c>apiVersion: k8posture.io/v1</c>, <c>kind: Organisation</c>): business units and their
/// teams, teams without a business unit, Entra pipeline identities and the policy's namespace ownership rules.
/// Every entry keeps the <c>Path</c> it was read from (<c>businessUnits[0].teams[2]</c>, or <c>line 7</c> of a CSV)
/// so that a refusal names where the problem is. Values are already validated and normalised.
/// </summary>
public sealed record OrganisationDocument(
    IReadOnlyList<BusinessUnitEntry> BusinessUnits,
    IReadOnlyList<TeamEntry> Teams,
    IReadOnlyList<PipelineIdentityEntry> PipelineIdentities,
    NamespaceOwnershipEntry? NamespaceOwnership)
{
    public const string CurrentApiVersion = "k8posture.io/v1";
    public const string DocumentKind = "Organisation";

    /// <summary>Every team of the document with the business unit it is listed under (null for the top-level <c>teams</c>).</summary>
    public IEnumerable<(TeamEntry Team, BusinessUnitEntry? BusinessUnit)> AllTeams =>
        BusinessUnits.SelectMany(b => b.Teams.Select(t => (t, (BusinessUnitEntry?)b))).Concat(Teams.Select(t => (t, (BusinessUnitEntry?)null)));
}

public sealed record BusinessUnitEntry(string Path, string Name, Given<string?> Description, IReadOnlyList<TeamEntry> Teams);

public sealed record TeamEntry(
    string Path, string Name, Given<string?> Description, Given<string?> ContactEmail, Given<string?> ChatChannel,
    IReadOnlyList<GroupEntry> Groups, IReadOnlyList<ApplicationEntry> Applications);

/// <summary>An Entra group of a team: its object id (lower-case GUID) and display name.</summary>
public sealed record GroupEntry(string Path, string Id, Given<string?> DisplayName);

public sealed record ApplicationEntry(
    string Path, string Name, Given<string?> Description, Given<DataClassification> DataClassification,
    Given<string?> RegulatoryScope, Given<bool> VendorProduct, Given<string?> RequiredPrivileges);

/// <summary>An Entra pipeline identity; <see cref="Team"/> null (or left out) makes it organisation-wide.</summary>
public sealed record PipelineIdentityEntry(string Path, string EntraId, string DisplayName, string? Team);

/// <summary>The policy's namespace ownership rules; each part that is given replaces that part of the policy.</summary>
public sealed record NamespaceOwnershipEntry(
    string Path, Given<IReadOnlyList<string>> LabelKeys, Given<IReadOnlyList<string>> AnnotationKeys,
    Given<IReadOnlyDictionary<string, string>> Explicit);

/// <summary>One problem of an organisation document and where it is: a path such as <c>businessUnits[0].teams[2].contactEmail</c>, or a CSV line.</summary>
public sealed record OrganisationDocumentError(string Path, string Message);

/// <summary>An organisation document that was refused as a whole; nothing of it was written.</summary>
public sealed class OrganisationDocumentException(IReadOnlyList<OrganisationDocumentError> errors, OrganisationDocument? partial = null)
    : ProblemException(StatusCodes.Status400BadRequest, "Invalid organisation document", Summarise(errors),
        new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { path = e.Path, message = e.Message }).ToList() })
{
    public IReadOnlyList<OrganisationDocumentError> Errors { get; } = errors;

    /// <summary>What could be read of a document with problems (entries with an invalid name or id left out), to check against the stored organisation too.</summary>
    public OrganisationDocument? Partial { get; } = partial;

    private static string Summarise(IReadOnlyList<OrganisationDocumentError> errors)
    {
        var shown = errors.Take(5).Select(e => $"{e.Path}: {e.Message}");
        var more = errors.Count > 5 ? $" … and {errors.Count - 5} more" : "";
        return $"Nothing was imported; the document has {errors.Count} problem{(errors.Count == 1 ? "" : "s")}: {string.Join("; ", shown)}{more}.";
    }
}

/// <summary>Where a field of an entry is, for error messages: <c>businessUnits[0].teams[2].contactEmail</c>, or the CSV line itself.</summary>
internal static class OrganisationPath
{
    public static string Of(string entryPath, string field) =>
        entryPath.StartsWith("line ", StringComparison.Ordinal) ? entryPath
        : entryPath.Length == 0 ? field
        : $"{entryPath}.{field}";

    public static string Index(string listPath, int index) => $"{listPath}[{index}]";
}
