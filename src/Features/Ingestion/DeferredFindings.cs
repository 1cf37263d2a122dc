using System.Buffers;
using System.Collections;
using System.Text.Json;

namespace K8Posture.Features.Ingestion;

/// <summary>
/// A report's findings kept as where each stands in the report, read again whenever one is asked for. The report is kept
/// for the whole push anyway (in memory, or in a spool file: <see cref="ReportSpool"/>); a finding read out of it lives
/// only as long as its use. A 100,000-vulnerability Trivy
/// report is ~77 MB of JSON but ~150 MB as finding objects, so a push that held them all would hold the report three
/// times (docs/ARCHITECTURE.md, Ingestion memory). Every read returns a new, equal finding; reads share no state, so
/// several threads may read at once (a spool file is read with positional reads).
/// </summary>
public sealed class DeferredFindings<TContext> : IReadOnlyList<NormalisedFinding>, IFindingNamespaces
{
    /// <summary>Where one finding's JSON value stands in the payload, what it was read under, and its namespace (checked on receipt).</summary>
    public readonly record struct Location(long Start, int Length, int Context, int Index, string? NamespaceName);

    /// <summary>Reads one finding from its JSON value; the parser's own mapping, which already accepted it once.</summary>
    public delegate NormalisedFinding Read(JsonElement value, TContext context, int index);

    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 };

    private readonly IReportBytes _json;
    private readonly List<Location> _items;
    private readonly IReadOnlyList<TContext> _contexts;
    private readonly Read _read;

    public DeferredFindings(IReportBytes json, List<Location> items, IReadOnlyList<TContext> contexts, Read read)
    {
        _json = json;
        _items = items;
        _contexts = contexts;
        _read = read;
    }

    public int Count => _items.Count;

    public NormalisedFinding this[int index]
    {
        get
        {
            var item = _items[index];
            var buffer = ArrayPool<byte>.Shared.Rent(item.Length);
            try
            {
                _json.ReadExactlyAt(item.Start, buffer.AsSpan(0, item.Length));
                // The finding's strings are copies: nothing read here refers to the buffer once the document is gone.
                using var document = JsonDocument.Parse(buffer.AsMemory(0, item.Length), Options);
                return _read(document.RootElement, _contexts[item.Context], item.Index);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    public string? NamespaceAt(int index) => _items[index].NamespaceName;

    public IEnumerator<NormalisedFinding> GetEnumerator()
    {
        for (var i = 0; i < _items.Count; i++)
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
