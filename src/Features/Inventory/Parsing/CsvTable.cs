using System.Globalization;
using System.Text;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Inventory.Parsing;

/// <summary>
/// A small RFC 4180 reader (comma or semicolon separated, quoted fields with doubled quotes, CRLF or LF) with a header
/// row. Rows are numbered as a spreadsheet shows them (the header is row 1), so an error names the row and column a
/// person can find.
/// </summary>
internal sealed class CsvTable
{
    public required IReadOnlyList<string> Header { get; init; }
    public required IReadOnlyList<(int Row, string[] Fields)> Rows { get; init; }
    public required string FormatName { get; init; }

    public static CsvTable Read(ReadOnlyMemory<byte> payload, string formatName)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(JsonPayload.WithoutBom(payload.Span));
        }
        catch (DecoderFallbackException ex)
        {
            throw new ScanParseException($"The {formatName} is not UTF-8 text (invalid byte at offset {ex.Index}); export it as UTF-8 CSV.", $"byte {ex.Index}");
        }
        var firstLineEnd = text.IndexOfAny(['\r', '\n']);
        var firstLine = firstLineEnd < 0 ? text : text[..firstLineEnd];
        var separator = firstLine.Count(c => c == ';') > firstLine.Count(c => c == ',') ? ';' : ',';
        var records = Split(text, separator);
        if (records.Count == 0 || records[0].Fields.All(string.IsNullOrWhiteSpace))
        {
            throw new ScanParseException($"The {formatName} is empty; its first row is the header.", "row 1");
        }
        var header = records[0].Fields.Select(h => h.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_')).ToArray();
        var rows = records.Skip(1).Where(r => !r.Fields.All(string.IsNullOrWhiteSpace)).ToList();
        foreach (var (row, fields) in rows)
        {
            if (fields.Length > header.Length)
            {
                throw new ScanParseException(
                    $"Row {row} of the {formatName} has {fields.Length} fields but the header has {header.Length}; quote values that contain '{separator}'.",
                    $"row {row}, column {header.Length + 1}");
            }
        }
        return new CsvTable { Header = header, Rows = rows, FormatName = formatName };
    }

    /// <summary>Index of the first header matching one of the names, or -1.</summary>
    public int Column(params string[] names)
    {
        foreach (var name in names)
        {
            var index = Header.ToList().IndexOf(name);
            if (index >= 0)
            {
                return index;
            }
        }
        return -1;
    }

    public int RequiredColumn(string documented, params string[] aliases)
    {
        var index = Column([documented, .. aliases]);
        if (index < 0)
        {
            throw new ScanParseException(
                $"The {FormatName} header has no '{documented}' column{(aliases.Length > 0 ? $" (or {string.Join(", ", aliases)})" : "")}; its columns are: {string.Join(", ", Header)}.",
                "row 1");
        }
        return index;
    }

    public static string? Value(string[] fields, int column) =>
        column >= 0 && column < fields.Length && !string.IsNullOrWhiteSpace(fields[column]) ? fields[column].Trim() : null;

    public string RequiredValue(int row, string[] fields, int column)
    {
        return Value(fields, column) ?? throw new ScanParseException(
            $"Row {row}, column {column + 1} ('{Header[column]}') of the {FormatName} is empty; it is required.", Where(row, column));
    }

    public string Where(int row, int column) => string.Create(CultureInfo.InvariantCulture, $"row {row}, column {column + 1} ({Header[column]})");

    public DateTimeOffset? Time(int row, string[] fields, int column, bool required)
    {
        var value = Value(fields, column);
        if (value is null)
        {
            return required
                ? throw new ScanParseException($"Row {row}, column {column + 1} ('{Header[column]}') of the {FormatName} is empty; it needs a time.", Where(row, column))
                : null;
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) && epoch > 0)
        {
            return epoch > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(epoch) : DateTimeOffset.FromUnixTimeSeconds(epoch);
        }
        throw new ScanParseException(
            $"Row {row}, column {column + 1} ('{Header[column]}') of the {FormatName} holds '{Clip(value)}', which is not a time; use ISO 8601 (2026-11-27T09:30:00Z) or Unix seconds.",
            Where(row, column));
    }

    private static string Clip(string value) => value.Length <= 60 ? value : value[..60] + "…";

    private static List<(int Row, string[] Fields)> Split(string text, char separator)
    {
        var records = new List<(int, string[])>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var line = 1;
        var recordLine = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    inQuotes = true;
                    break;
                case var s when s == separator:
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add((recordLine, fields.ToArray()));
                    fields.Clear();
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (inQuotes)
        {
            throw new ScanParseException($"A quoted field that starts on line {recordLine} is never closed (the CSV looks truncated).", $"line {recordLine}");
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add((recordLine, fields.ToArray()));
        }
        return records;
    }
}
