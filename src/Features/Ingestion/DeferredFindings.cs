using System.Collections;
using System.Text.Json;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// A report's findings kept as where each stands in the payload, read again whenever one is asked for. The payload is held
/// for the whole push anyway; a finding read out of it lives only as long as its use. A 100,000-vulnerability Trivy
/// report is ~77 MB of JSON but ~150 MB as finding objects, so a push that held them all would hold the report three
/// times (docs/ARCHITECTURE.md, Ingestion memory). Every read returns a new, equal finding; reads share no state, so
/// several threads may read at once.
/// </summary>
public sealed class DeferredFindings<TContext> : IReadOnlyList<NormalisedFinding>, IFindingNamespaces
{
    /// <summary>Where one finding's JSON value stands in the payload, what it was read under, and its namespace (checked on receipt).</summary>
    public readonly record struct Location(int Start, int Length, int Context, int Index, string? NamespaceName);

    /// <summary>Reads one finding from its JSON value; the parser's own mapping, which already accepted it once.</summary>
    public delegate NormalisedFinding Read(JsonElement value, TContext context, int index);

    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 };

    private readonly ReadOnlyMemory<byte> _json;
    private readonly Location[] _items;
    private readonly IReadOnlyList<TContext> _contexts;
    private readonly Read _read;

    public DeferredFindings(ReadOnlyMemory<byte> json, Location[] items, IReadOnlyList<TContext> contexts, Read read)
    {
        _json = json;
        _items = items;
        _contexts = contexts;
        _read = read;
    }

    public int Count => _items.Length;

    public NormalisedFinding this[int index]
    {
        get
        {
            var item = _items[index];
            using var document = JsonDocument.Parse(_json.Slice(item.Start, item.Length), Options);
            return _read(document.RootElement, _contexts[item.Context], item.Index);
        }
    }

    public string? NamespaceAt(int index) => _items[index].NamespaceName;

    public IEnumerator<NormalisedFinding> GetEnumerator()
    {
        for (var i = 0; i < _items.Length; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>The namespace of each finding of a list without reading the findings themselves.</summary>
public interface IFindingNamespaces
{
    string? NamespaceAt(int index);
}
