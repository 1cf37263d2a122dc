using System.Text;
using SpreadCheetah;
using SpreadCheetah.Styling;

namespace K8Posture.Features.Reports;

public enum ExportFormat { Csv, Xlsx }

/// <summary>Writes rows to a stream as they arrive, one row in memory at a time.</summary>
public interface IExportWriter
{
    ExportFormat Format { get; }
    string ContentType { get; }
    string Extension { get; }

    /// <returns>The number of data rows written (the header is not counted).</returns>
    Task<long> WriteAsync(Stream output, string title, IReadOnlyList<string> columns, IAsyncEnumerable<object?[]> rows, CancellationToken cancellationToken);

    public static IExportWriter For(ExportFormat format) => format switch
    {
        ExportFormat.Csv => new CsvExportWriter(),
        ExportFormat.Xlsx => new XlsxExportWriter(),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}

/// <summary>
/// RFC 4180 CSV in UTF-8 with a byte-order mark (so Excel reads the accents), CRLF line ends; text that a spreadsheet
/// would run as a formula gets a leading single quote (OWASP CSV injection).
/// </summary>
public sealed class CsvExportWriter : IExportWriter
{
    public ExportFormat Format => ExportFormat.Csv;
    public string ContentType => "text/csv; charset=utf-8";
    public string Extension => "csv";

    public async Task<long> WriteAsync(Stream output, string title, IReadOnlyList<string> columns, IAsyncEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 64 * 1024, leaveOpen: true);
        var line = new StringBuilder(1024);
        AppendRow(line, columns.Cast<object?>().ToArray());
        await writer.WriteAsync(line, cancellationToken);
        long count = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            line.Clear();
            AppendRow(line, row);
            await writer.WriteAsync(line, cancellationToken);
            count++;
        }
        await writer.FlushAsync(cancellationToken);
        return count;
    }

    internal static void AppendRow(StringBuilder line, IReadOnlyList<object?> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }
            AppendField(line, values[i]);
        }
        line.Append("\r\n");
    }

    /// <summary>One field; only text is guarded, so a negative number stays a number.</summary>
    internal static void AppendField(StringBuilder line, object? value)
    {
        var text = ExportCells.ToText(value);
        if (value is string or Enum)
        {
            text = ExportCells.NeutraliseForCsv(text);
        }
        if (text.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            line.Append(text);
            return;
        }
        line.Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}

/// <summary>
/// XLSX through SpreadCheetah's forward-only writer: the zip entries are streamed as rows arrive. Text is always written
/// as a string cell — never a formula — so "=HYPERLINK(…)" shows as those characters. A sheet holds at most
/// 1,048,576 rows; longer exports continue on "Title (2)", "Title (3)", … with the header repeated.
/// </summary>
public sealed class XlsxExportWriter : IExportWriter
{
    public const int MaxRowsPerSheet = 1_048_576;
    /// <summary>Excel's limit on the characters in one cell.</summary>
    public const int MaxCellLength = 32_767;

    public ExportFormat Format => ExportFormat.Xlsx;
    public string ContentType => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public string Extension => "xlsx";

    /// <summary>Rows per sheet before rolling over; lowered by tests.</summary>
    internal int RowsPerSheet { get; init; } = MaxRowsPerSheet;

    public async Task<long> WriteAsync(Stream output, string title, IReadOnlyList<string> columns, IAsyncEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        var options = new SpreadCheetahOptions { BufferSize = 64 * 1024, DefaultDateTimeFormat = NumberFormat.Custom("yyyy-mm-dd hh:mm:ss") };
        await using var spreadsheet = await Spreadsheet.CreateNewAsync(output, options, cancellationToken);
        var headerStyle = spreadsheet.AddStyle(new Style { Font = { Bold = true } });
        var header = columns.Select(c => new StyledCell(c, headerStyle)).ToArray();
        var sheet = 1;
        await spreadsheet.StartWorksheetAsync(SheetName(title, sheet), token: cancellationToken);
        await spreadsheet.AddRowAsync(header, cancellationToken);
        var rowsInSheet = 1;
        var cells = new DataCell[columns.Count];
        long count = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (rowsInSheet == RowsPerSheet)
            {
                sheet++;
                await spreadsheet.StartWorksheetAsync(SheetName(title, sheet), token: cancellationToken);
                await spreadsheet.AddRowAsync(header, cancellationToken);
                rowsInSheet = 1;
            }
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = ToCell(i < row.Length ? row[i] : null);
            }
            await spreadsheet.AddRowAsync(cells, cancellationToken);
            rowsInSheet++;
            count++;
        }
        await spreadsheet.FinishAsync(cancellationToken);
        return count;
    }

    internal static DataCell ToCell(object? value) => value switch
    {
        null => new DataCell(),
        string s => new DataCell(CleanText(s)),
        int i => new DataCell(i),
        long l => new DataCell(l),
        double d => new DataCell(d),
        float f => new DataCell(f),
        decimal m => new DataCell(m),
        bool b => new DataCell(b),
        DateTimeOffset at => new DataCell(at.UtcDateTime),
        DateTime at => new DataCell(at),
        _ => new DataCell(CleanText(ExportCells.ToText(value))),
    };

    /// <summary>XML 1.0 cannot carry most control characters; Excel refuses cells over 32,767 characters.</summary>
    internal static string CleanText(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('\u0000', '\u001F') >= 0)
        {
            var clean = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                if (c >= ' ' || c is '\t' or '\n' or '\r')
                {
                    clean.Append(c);
                }
            }
            text = clean.ToString();
        }
        return text.Length > MaxCellLength ? text[..MaxCellLength] : text;
    }

    /// <summary>At most 31 characters, none of : \ / ? * [ ].</summary>
    internal static string SheetName(string title, int sheet)
    {
        var name = new string(title.Where(c => c is not (':' or '\\' or '/' or '?' or '*' or '[' or ']')).ToArray()).Trim();
        if (name.Length == 0)
        {
            name = "Export";
        }
        var suffix = sheet == 1 ? "" : $" ({sheet})";
        return (name.Length + suffix.Length > 31 ? name[..(31 - suffix.Length)] : name) + suffix;
    }
}
