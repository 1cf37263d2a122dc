using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using K8Posture.Data;
using K8Posture.Features.Reports;

namespace K8Posture.UnitTests.Features.Reports;

public sealed class ExportWriterFacts
{
    private static readonly string[] Columns = ["Id", "Title", "Count", "At"];

    private static async IAsyncEnumerable<object?[]> Rows(params object?[][] rows)
    {
        foreach (var row in rows)
        {
            await Task.Yield();
            yield return row;
        }
    }

    private static async Task<(string Text, long Count)> CsvAsync(params object?[][] rows)
    {
        using var output = new MemoryStream();
        var count = await new CsvExportWriter().WriteAsync(output, "Findings", Columns, Rows(rows), CancellationToken.None);
        return (Encoding.UTF8.GetString(output.ToArray()), count);
    }

    public static TheoryData<string> FormulaTriggers => new() { "=", "+", "-", "@", "\t", "\r" };

    [Theory]
    [MemberData(nameof(FormulaTriggers))]
    public void Text_starting_with_a_formula_character_gets_a_single_quote(string trigger)
    {
        var payload = trigger + "HYPERLINK(\"http://evil.example\",\"x\")";
        Assert.Equal("'" + payload, ExportCells.NeutraliseForCsv(payload));
    }

    [Theory]
    [InlineData("CVE-2024-1234")]
    [InlineData("a=b")]
    [InlineData(" =1+1")]
    [InlineData("")]
    public void Other_text_is_left_alone(string text) => Assert.Equal(text, ExportCells.NeutraliseForCsv(text));

    [Theory]
    [MemberData(nameof(FormulaTriggers))]
    public async Task The_csv_cell_of_a_formula_is_quoted_text(string trigger)
    {
        var (text, count) = await CsvAsync([1L, trigger + "cmd|' /C calc'!A0", 2, null]);

        Assert.Equal(1, count);
        var line = text.Split("\r\n")[1];
        // Tab and CR are not CSV separators, so only CR forces RFC 4180 quoting; either way the field starts with the quote.
        var field = line.Split(',')[1];
        Assert.True(field.StartsWith("'" + trigger, StringComparison.Ordinal) || field.StartsWith("\"'" + trigger, StringComparison.Ordinal), field);
    }

    [Fact]
    public async Task Csv_is_rfc_4180_with_a_bom_and_keeps_numbers_as_numbers()
    {
        using var output = new MemoryStream();
        await new CsvExportWriter().WriteAsync(output, "Findings", Columns,
            Rows([1L, "say \"hi\", then\nleave", -5, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2))]), CancellationToken.None);
        var bytes = output.ToArray();

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.Equal("Id,Title,Count,At\r\n1,\"say \"\"hi\"\", then\nleave\",-5,2026-01-02T01:04:05Z\r\n", text);
    }

    [Fact]
    public async Task An_enum_value_is_its_display_name()
    {
        var (text, _) = await CsvAsync([1L, FindingCategory.KubernetesMisconfiguration, 0, null]);
        Assert.Contains("1,Kubernetes misconfiguration,0,", text, StringComparison.Ordinal);
    }

    private static async Task<byte[]> XlsxAsync(XlsxExportWriter writer, params object?[][] rows)
    {
        using var output = new MemoryStream();
        await writer.WriteAsync(output, "Findings", Columns, Rows(rows), CancellationToken.None);
        return output.ToArray();
    }

    private static List<List<Cell>> ReadSheet(SpreadsheetDocument document, int index = 0)
    {
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().ElementAt(index);
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
        return part.Worksheet.Descendants<Row>().Select(r => r.Elements<Cell>().ToList()).ToList();
    }

    private static string CellText(SpreadsheetDocument document, Cell cell)
    {
        if (cell.DataType?.Value == CellValues.InlineString)
        {
            return cell.InlineString!.InnerText;
        }
        if (cell.DataType?.Value == CellValues.SharedString)
        {
            return document.WorkbookPart!.SharedStringTablePart!.SharedStringTable.ElementAt(int.Parse(cell.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)).InnerText;
        }
        return cell.CellValue?.Text ?? "";
    }

    [Theory]
    [MemberData(nameof(FormulaTriggers))]
    public async Task The_xlsx_cell_of_a_formula_is_a_string_never_a_formula(string trigger)
    {
        var payload = trigger + "SUM(1+1)*cmd|' /C calc'!A0";
        var bytes = await XlsxAsync(new XlsxExportWriter(), [1L, payload, 2, null]);

        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var rows = ReadSheet(document);
        var cell = rows[1][1];
        Assert.Null(cell.CellFormula);
        Assert.True(cell.DataType?.Value == CellValues.InlineString || cell.DataType?.Value == CellValues.SharedString || cell.DataType?.Value == CellValues.String,
            $"the cell is of type {cell.DataType?.Value}, not a string");
        // XML reads a literal carriage return as a line feed; the text is otherwise exactly what was exported.
        Assert.Equal(payload.Replace('\r', '\n'), CellText(document, cell));
        Assert.DoesNotContain(document.WorkbookPart!.WorksheetParts.SelectMany(p => p.Worksheet.Descendants<CellFormula>()), _ => true);
    }

    [Fact]
    public async Task Xlsx_keeps_numbers_and_dates_typed_and_the_header_first()
    {
        var bytes = await XlsxAsync(new XlsxExportWriter(), [42L, "title", -5, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)]);

        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var rows = ReadSheet(document);
        Assert.Equal(Columns, rows[0].Select(c => CellText(document, c)));
        Assert.Equal("42", rows[1][0].CellValue!.Text);
        Assert.Equal("-5", rows[1][2].CellValue!.Text);
        Assert.Null(rows[1][2].DataType);
        // A date is an OLE automation number with a date format.
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5), DateTime.FromOADate(double.Parse(rows[1][3].CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Xlsx_rolls_over_to_a_new_sheet_when_one_is_full()
    {
        var bytes = await XlsxAsync(new XlsxExportWriter { RowsPerSheet = 3 }, [1L, "a", 1, null], [2L, "b", 2, null], [3L, "c", 3, null]);

        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var names = document.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value).ToList();
        Assert.Equal(["Findings", "Findings (2)"], names);
        Assert.Equal(3, ReadSheet(document, 0).Count);
        Assert.Equal(["Id", "3"], ReadSheet(document, 1).Select(r => CellText(document, r[0])));
    }

    [Fact]
    public void Xlsx_drops_control_characters_xml_cannot_carry() =>
        Assert.Equal("ab\tc", XlsxExportWriter.CleanText("a\u0001b\tc\u001f"));

    [Fact]
    public void Hashing_stream_hashes_exactly_the_bytes_passed_on()
    {
        using var inner = new MemoryStream();
        using var hashing = new HashingStream(inner);
        hashing.Write("hello "u8);
        hashing.Write("world"u8.ToArray(), 0, 5);

        Assert.Equal(11, hashing.BytesWritten);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(inner.ToArray())), hashing.Sha256);
    }
}
