using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace K8Posture.Features.Reports;

/// <summary>A labelled value for <see cref="ReportCanvas.KpiRow"/>.</summary>
public sealed record ReportKpi(string Label, string Value, string? Note = null);

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

    public void Heading(string text)
    {
        EnsureSpace(60);
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

    /// <summary>Up to four tiles per row: a big value over its label.</summary>
    public void KpiRow(IReadOnlyList<ReportKpi> kpis)
    {
        const int perRow = 4;
        const double gap = 8, height = 64;
        var tileWidth = (Width - gap * (perRow - 1)) / perRow;
        for (var start = 0; start < kpis.Count; start += perRow)
        {
            EnsureSpace(height + gap);
            for (var i = start; i < Math.Min(kpis.Count, start + perRow); i++)
            {
                var x = Margin + (i - start) * (tileWidth + gap);
                Graphics.DrawRectangle(new XPen(Rule, 0.6), new XSolidBrush(Shade), x, Y, tileWidth, height);
                Graphics.DrawString(kpis[i].Value, KpiFont, new XSolidBrush(Ink), new XRect(x + 8, Y + 8, tileWidth - 16, 22), XStringFormats.TopLeft);
                Graphics.DrawString(Fit(kpis[i].Label, BoldFont, tileWidth - 16), BoldFont, new XSolidBrush(Ink), new XRect(x + 8, Y + 34, tileWidth - 16, 12), XStringFormats.TopLeft);
                if (kpis[i].Note is { } note)
                {
                    Graphics.DrawString(Fit(note, SmallFont, tileWidth - 16), SmallFont, new XSolidBrush(Muted), new XRect(x + 8, Y + 48, tileWidth - 16, 10), XStringFormats.TopLeft);
                }
            }
            Y += height + gap;
        }
    }

    /// <summary>A table; <paramref name="widths"/> are relative; cells that do not fit end in an ellipsis. The header repeats on a new page.</summary>
    public void Table(IReadOnlyList<string> headers, IReadOnlyList<double> widths, IEnumerable<IReadOnlyList<string>> rows)
    {
        var total = widths.Sum();
        var columnWidths = widths.Select(w => w / total * Width).ToArray();
        const double rowHeight = 15;
        void Header()
        {
            Graphics.DrawRectangle(new XSolidBrush(Accent), Margin, Y, Width, rowHeight);
            var x = Margin;
            for (var i = 0; i < headers.Count; i++)
            {
                Graphics.DrawString(Fit(headers[i], BoldFont, columnWidths[i] - 6), BoldFont, XBrushes.White, new XRect(x + 3, Y + 2, columnWidths[i] - 6, rowHeight), XStringFormats.TopLeft);
                x += columnWidths[i];
            }
            Y += rowHeight;
        }
        EnsureSpace(rowHeight * 3);
        Header();
        var index = 0;
        foreach (var row in rows)
        {
            if (Y + rowHeight > Bottom)
            {
                NewPage();
                Header();
            }
            if (index++ % 2 == 1)
            {
                Graphics.DrawRectangle(new XSolidBrush(Shade), Margin, Y, Width, rowHeight);
            }
            var x = Margin;
            for (var i = 0; i < headers.Count; i++)
            {
                var text = i < row.Count ? row[i] : "";
                Graphics.DrawString(Fit(text, BodyFont, columnWidths[i] - 6), BodyFont, new XSolidBrush(Ink), new XRect(x + 3, Y + 2, columnWidths[i] - 6, rowHeight), XStringFormats.TopLeft);
                x += columnWidths[i];
            }
            Y += rowHeight;
        }
        Graphics.DrawLine(new XPen(Rule, 0.6), Margin, Y, Margin + Width, Y);
        Y += 10;
    }

    /// <summary>Horizontal stacked bars: one bar per category, one segment per series, with a legend.</summary>
    public void StackedBarChart(IReadOnlyList<string> categories, IReadOnlyList<ReportSeries> series)
    {
        const double barHeight = 16, gap = 7, labelWidth = 170;
        var height = categories.Count * (barHeight + gap) + 34;
        EnsureSpace(height);
        var totals = categories.Select((_, c) => series.Sum(s => s.Values[c])).ToArray();
        var max = Math.Max(1, totals.DefaultIfEmpty(0).Max());
        var plotWidth = Width - labelWidth - 40;
        for (var c = 0; c < categories.Count; c++)
        {
            var y = Y + c * (barHeight + gap);
            Graphics.DrawString(Fit(categories[c], BodyFont, labelWidth - 6), BodyFont, new XSolidBrush(Ink), new XRect(Margin, y + 3, labelWidth - 6, barHeight), XStringFormats.TopLeft);
            var x = Margin + labelWidth;
            foreach (var s in series)
            {
                var w = s.Values[c] / max * plotWidth;
                if (w > 0)
                {
                    Graphics.DrawRectangle(new XSolidBrush(Colour(s.Colour)), x, y, w, barHeight);
                    x += w;
                }
            }
            Graphics.DrawString(totals[c].ToString("N0", CultureInfo.InvariantCulture), SmallFont, new XSolidBrush(Muted), new XRect(x + 4, y + 4, 40, barHeight), XStringFormats.TopLeft);
        }
        Y += categories.Count * (barHeight + gap) + 4;
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

    /// <summary>The text cut to <paramref name="width"/> with an ellipsis.</summary>
    public string Fit(string text, XFont font, double width)
    {
        if (Graphics.MeasureString(text, font).Width <= width)
        {
            return text;
        }
        var low = 0;
        var high = text.Length;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (Graphics.MeasureString(text[..mid] + "…", font).Width <= width)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        return text[..low] + "…";
    }

    private IEnumerable<string> Wrap(string text, XFont font, double width)
    {
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && Graphics.MeasureString(candidate, font).Width > width)
            {
                yield return line;
                line = word;
            }
            else
            {
                line = candidate;
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
