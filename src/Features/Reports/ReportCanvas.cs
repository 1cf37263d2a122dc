using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace K8Posture.Features.Reports;

/// <summary>
/// A labelled value for <see cref="ReportCanvas.KpiRow"/>; <see cref="Change"/> is its month-over-month change in words
/// (e.g. "+12 since 30 Nov"), and <see cref="ChangeIsBetter"/> colours it (null: neutral).
/// </summary>
public sealed record ReportKpi(string Label, string Value, string? Note = null, string? Change = null, bool? ChangeIsBetter = null);

/// <summary>One coloured series of a chart; <see cref="Colour"/> is "#rrggbb".</summary>
public sealed record ReportSeries(string Name, string Colour, IReadOnlyList<double> Values);

/// <summary>
/// A top-to-bottom layout over PDFsharp for executive report sections: headings, text, KPI tiles, tables and charts,
/// with page breaks handled here so a section only says what to show.
/// </summary>
public sealed class ReportCanvas : IDisposable
{
    private const double Margin = 42;
    private static readonly XColor Ink = XColor.FromArgb(0x1b, 0x1f, 0x24);
    private static readonly XColor Muted = XColor.FromArgb(0x5f, 0x67, 0x70);
    private static readonly XColor Rule = XColor.FromArgb(0xd0, 0xd5, 0xdb);
    private static readonly XColor Accent = XColor.FromArgb(0x1f, 0x4e, 0x79);
    private static readonly XColor Shade = XColor.FromArgb(0xf3, 0xf5, 0xf7);
    private static readonly XColor Better = XColor.FromArgb(0x1b, 0x6e, 0x2e);
    private static readonly XColor Worse = XColor.FromArgb(0xa3, 0x1f, 0x12);

    private readonly PdfDocument _document;
    private readonly string _footer;
    private XGraphics? _graphics;
    private PdfPage? _page;
    private int _pageNumber;

    public ReportCanvas(PdfDocument document, string footer)
    {
        ReportFonts.EnsureInstalled();
        _document = document;
        _footer = footer;
        TitleFont = new XFont(ReportFonts.Family, 20, XFontStyleEx.Bold);
        HeadingFont = new XFont(ReportFonts.Family, 13, XFontStyleEx.Bold);
        BodyFont = new XFont(ReportFonts.Family, 9.5);
        SmallFont = new XFont(ReportFonts.Family, 7.5);
        BoldFont = new XFont(ReportFonts.Family, 9.5, XFontStyleEx.Bold);
        KpiFont = new XFont(ReportFonts.Family, 18, XFontStyleEx.Bold);
        NewPage();
    }

    public XFont TitleFont { get; }
    public XFont HeadingFont { get; }
    public XFont BodyFont { get; }
    public XFont SmallFont { get; }
    public XFont BoldFont { get; }
    public XFont KpiFont { get; }

    /// <summary>Distance from the top of the page to where the next block goes.</summary>
    public double Y { get; private set; }

    public double Width => _page!.Width.Point - 2 * Margin;

    private double Bottom => _page!.Height.Point - Margin - 14;

    private XGraphics Graphics => _graphics!;

    public void NewPage()
    {
        _graphics?.Dispose();
        _page = _document.AddPage();
        _page.Size = PdfSharp.PageSize.A4;
        _graphics = XGraphics.FromPdfPage(_page);
        _pageNumber++;
        Y = Margin;
        var footerY = _page.Height.Point - Margin + 4;
        Graphics.DrawLine(new XPen(Rule, 0.5), Margin, footerY - 4, Margin + Width, footerY - 4);
        Graphics.DrawString(_footer, SmallFont, new XSolidBrush(Muted), new XRect(Margin, footerY, Width, 10), XStringFormats.TopLeft);
        Graphics.DrawString("Page " + _pageNumber.ToString(CultureInfo.InvariantCulture), SmallFont, new XSolidBrush(Muted), new XRect(Margin, footerY, Width, 10), XStringFormats.TopRight);
    }

    /// <summary>Starts a new page unless <paramref name="height"/> points still fit on this one.</summary>
    public void EnsureSpace(double height)
    {
        if (Y + height > Bottom)
        {
            NewPage();
        }
    }

    public void Space(double points) => Y += points;

    public void Title(string title, string subtitle)
    {
        Graphics.DrawString(title, TitleFont, new XSolidBrush(Accent), new XRect(Margin, Y, Width, 26), XStringFormats.TopLeft);
        Y += 28;
        Graphics.DrawString(subtitle, BodyFont, new XSolidBrush(Muted), new XRect(Margin, Y, Width, 14), XStringFormats.TopLeft);
        Y += 22;
    }

    /// <param name="keepWithNext">Points of what follows that must fit under the heading, so a heading never ends a page alone.</param>
    public void Heading(string text, double keepWithNext = 40)
    {
        EnsureSpace(34 + keepWithNext);
        Y += 8;
        Graphics.DrawString(text, HeadingFont, new XSolidBrush(Accent), new XRect(Margin, Y, Width, 18), XStringFormats.TopLeft);
        Y += 18;
        Graphics.DrawLine(new XPen(Accent, 0.8), Margin, Y, Margin + Width, Y);
        Y += 8;
    }

    /// <summary>Wrapped text.</summary>
    public void Paragraph(string text, bool muted = false)
    {
        var font = muted ? SmallFont : BodyFont;
        var brush = new XSolidBrush(muted ? Muted : Ink);
        foreach (var line in Wrap(text, font, Width))
        {
            EnsureSpace(font.Height + 2);
            Graphics.DrawString(line, font, brush, new XRect(Margin, Y, Width, font.Height), XStringFormats.TopLeft);
            Y += font.Height + 2;
        }
        Y += 4;
    }

    /// <summary>Up to four tiles per row: a big value over its label, its note and its change; text wraps, nothing is cut.</summary>
    public void KpiRow(IReadOnlyList<ReportKpi> kpis)
    {
        const int perRow = 4;
        const double gap = 8;
        var tileWidth = (Width - gap * (perRow - 1)) / perRow;
        var textWidth = tileWidth - 16;
        for (var start = 0; start < kpis.Count; start += perRow)
        {
            var tiles = kpis.Skip(start).Take(perRow).Select(k => (
                Kpi: k,
                Label: Wrap(k.Label, BoldFont, textWidth).ToList(),
                Note: k.Note is null ? [] : Wrap(k.Note, SmallFont, textWidth).ToList(),
                Change: k.Change is null ? [] : Wrap(k.Change, SmallFont, textWidth).ToList())).ToList();
            var height = 8 + 24 + tiles.Max(t => t.Label.Count * LineHeight(BoldFont) + (t.Note.Count + t.Change.Count) * LineHeight(SmallFont)) + 8;
            EnsureSpace(height + gap);
            for (var i = 0; i < tiles.Count; i++)
            {
                var (kpi, label, note, change) = tiles[i];
                var x = Margin + i * (tileWidth + gap);
                Graphics.DrawRectangle(new XPen(Rule, 0.6), new XSolidBrush(Shade), x, Y, tileWidth, height);
                Graphics.DrawString(kpi.Value, KpiFont, new XSolidBrush(Ink), new XRect(x + 8, Y + 8, textWidth, 22), XStringFormats.TopLeft);
                var y = Y + 32;
                y = Lines(label, BoldFont, new XSolidBrush(Ink), x + 8, y, textWidth);
                y = Lines(note, SmallFont, new XSolidBrush(Muted), x + 8, y, textWidth);
                var changeColour = kpi.ChangeIsBetter switch { true => Better, false => Worse, null => Muted };
                Lines(change, SmallFont, new XSolidBrush(changeColour), x + 8, y, textWidth);
            }
            Y += height + gap;
        }
    }

    private static double LineHeight(XFont font) => font.Height + 1.5;

    private double Lines(IReadOnlyList<string> lines, XFont font, XBrush brush, double x, double y, double width)
    {
        foreach (var line in lines)
        {
            Graphics.DrawString(line, font, brush, new XRect(x, y, width, font.Height), XStringFormats.TopLeft);
            y += LineHeight(font);
        }
        return y;
    }

    /// <summary>
    /// A table; <paramref name="widths"/> are relative. Cells wrap onto as many lines as they need (a board takes the report
    /// as it is, so nothing is cut off); the header repeats on a new page.
    /// </summary>
    public void Table(IReadOnlyList<string> headers, IReadOnlyList<double> widths, IEnumerable<IReadOnlyList<string>> rows)
    {
        var total = widths.Sum();
        var columnWidths = widths.Select(w => w / total * Width).ToArray();
        const double padding = 3;
        List<string>[] Cells(IReadOnlyList<string> texts, XFont font) =>
            Enumerable.Range(0, headers.Count).Select(i => Wrap(i < texts.Count ? texts[i] : "", font, columnWidths[i] - 2 * padding).ToList()).ToArray();
        double HeightOf(List<string>[] cells, XFont font) => Math.Max(1, cells.Max(c => c.Count)) * LineHeight(font) + 2 * padding;
        void DrawRow(List<string>[] cells, XFont font, XBrush brush)
        {
            var x = Margin;
            for (var i = 0; i < cells.Length; i++)
            {
                Lines(cells[i], font, brush, x + padding, Y + padding, columnWidths[i] - 2 * padding);
                x += columnWidths[i];
            }
        }
        var headerCells = Cells(headers, BoldFont);
        var headerHeight = HeightOf(headerCells, BoldFont);
        void Header()
        {
            Graphics.DrawRectangle(new XSolidBrush(Accent), Margin, Y, Width, headerHeight);
            DrawRow(headerCells, BoldFont, XBrushes.White);
            Y += headerHeight;
        }
        EnsureSpace(headerHeight + 2 * LineHeight(BodyFont) + 12);
        Header();
        var index = 0;
        foreach (var row in rows)
        {
            var cells = Cells(row, BodyFont);
            var height = HeightOf(cells, BodyFont);
            if (Y + height > Bottom)
            {
                NewPage();
                Header();
            }
            if (index++ % 2 == 1)
            {
                Graphics.DrawRectangle(new XSolidBrush(Shade), Margin, Y, Width, height);
            }
            DrawRow(cells, BodyFont, new XSolidBrush(Ink));
            Y += height;
        }
        Graphics.DrawLine(new XPen(Rule, 0.6), Margin, Y, Margin + Width, Y);
        Y += 10;
    }

    /// <summary>Horizontal stacked bars: one bar per category, one segment per series, with a legend.</summary>
    public void StackedBarChart(IReadOnlyList<string> categories, IReadOnlyList<ReportSeries> series)
    {
        const double barHeight = 16, gap = 7, labelWidth = 190;
        var labels = categories.Select(c => Wrap(c, BodyFont, labelWidth - 6).ToList()).ToList();
        var rowHeights = labels.Select(l => Math.Max(barHeight, l.Count * LineHeight(BodyFont))).ToList();
        EnsureSpace(rowHeights.Sum(h => h + gap) + 34);
        var totals = categories.Select((_, c) => series.Sum(s => s.Values[c])).ToArray();
        var max = Math.Max(1, totals.DefaultIfEmpty(0).Max());
        var plotWidth = Width - labelWidth - 40;
        var y = Y;
        for (var c = 0; c < categories.Count; c++)
        {
            Lines(labels[c], BodyFont, new XSolidBrush(Ink), Margin, y + (rowHeights[c] - labels[c].Count * LineHeight(BodyFont)) / 2 + 1, labelWidth - 6);
            var barTop = y + (rowHeights[c] - barHeight) / 2;
            var x = Margin + labelWidth;
            foreach (var s in series)
            {
                var w = s.Values[c] / max * plotWidth;
                if (w > 0)
                {
                    Graphics.DrawRectangle(new XSolidBrush(Colour(s.Colour)), x, barTop, w, barHeight);
                    x += w;
                }
            }
            Graphics.DrawString(totals[c].ToString("N0", CultureInfo.InvariantCulture), SmallFont, new XSolidBrush(Muted), new XRect(x + 4, barTop + 4, 40, barHeight), XStringFormats.TopLeft);
            y += rowHeights[c] + gap;
        }
        Y = y + 4;
        Legend(series);
    }

    /// <summary>A line per series over the x labels (e.g. days), with a zero-based y axis.</summary>
    public void LineChart(IReadOnlyList<string> xLabels, IReadOnlyList<ReportSeries> series, double plotHeight = 150)
    {
        EnsureSpace(plotHeight + 50);
        const double axisWidth = 40;
        var left = Margin + axisWidth;
        var plotWidth = Width - axisWidth - 10;
        var top = Y;
        var max = Math.Max(1, series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max());
        var rulePen = new XPen(Rule, 0.5);
        for (var tick = 0; tick <= 4; tick++)
        {
            var value = max * tick / 4;
            var y = top + plotHeight - plotHeight * tick / 4;
            Graphics.DrawLine(rulePen, left, y, left + plotWidth, y);
            Graphics.DrawString(value.ToString("N0", CultureInfo.InvariantCulture), SmallFont, new XSolidBrush(Muted), new XRect(Margin, y - 5, axisWidth - 4, 10), XStringFormats.TopRight);
        }
        var points = xLabels.Count;
        double X(int i) => points <= 1 ? left + plotWidth / 2 : left + plotWidth * i / (points - 1);
        foreach (var s in series)
        {
            var pen = new XPen(Colour(s.Colour), 1.6);
            for (var i = 1; i < s.Values.Count; i++)
            {
                Graphics.DrawLine(pen, X(i - 1), top + plotHeight - s.Values[i - 1] / max * plotHeight, X(i), top + plotHeight - s.Values[i] / max * plotHeight);
            }
            if (s.Values.Count == 1)
            {
                Graphics.DrawEllipse(new XSolidBrush(Colour(s.Colour)), X(0) - 2, top + plotHeight - s.Values[0] / max * plotHeight - 2, 4, 4);
            }
        }
        // A handful of x labels, first and last always.
        var step = Math.Max(1, (int)Math.Ceiling(points / 6d));
        for (var i = 0; i < points; i += step)
        {
            Graphics.DrawString(xLabels[i], SmallFont, new XSolidBrush(Muted), new XRect(X(i) - 30, top + plotHeight + 3, 60, 10), XStringFormats.TopCenter);
        }
        if (points > 1 && (points - 1) % step != 0)
        {
            Graphics.DrawString(xLabels[^1], SmallFont, new XSolidBrush(Muted), new XRect(X(points - 1) - 30, top + plotHeight + 3, 60, 10), XStringFormats.TopCenter);
        }
        Y = top + plotHeight + 18;
        Legend(series);
    }

    private void Legend(IReadOnlyList<ReportSeries> series)
    {
        var x = Margin;
        foreach (var s in series)
        {
            var label = s.Name;
            var w = Graphics.MeasureString(label, SmallFont).Width;
            if (x + w + 20 > Margin + Width)
            {
                x = Margin;
                Y += 12;
            }
            Graphics.DrawRectangle(new XSolidBrush(Colour(s.Colour)), x, Y + 1, 8, 8);
            Graphics.DrawString(label, SmallFont, new XSolidBrush(Ink), new XRect(x + 11, Y, w + 4, 10), XStringFormats.TopLeft);
            x += w + 24;
        }
        Y += 18;
    }

    /// <summary>Lines of at most <paramref name="width"/>: broken between words, and inside a word only when it alone is wider.</summary>
    public IEnumerable<string> Wrap(string text, XFont font, double width)
    {
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (Graphics.MeasureString(candidate, font).Width <= width)
            {
                line = candidate;
                continue;
            }
            if (line.Length > 0)
            {
                yield return line;
            }
            line = word;
            while (line.Length > 1 && Graphics.MeasureString(line, font).Width > width)
            {
                var fits = 1;
                while (fits < line.Length && Graphics.MeasureString(line[..(fits + 1)], font).Width <= width)
                {
                    fits++;
                }
                yield return line[..fits];
                line = line[fits..];
            }
        }
        if (line.Length > 0)
        {
            yield return line;
        }
    }

    private static XColor Colour(string hex) =>
        XColor.FromArgb(
            int.Parse(hex.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            int.Parse(hex.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            int.Parse(hex.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));

    public void Dispose() => _graphics?.Dispose();
}
