using System.Globalization;
using System.IO.Compression;
using K8Posture.Features.Ingestion;
using K8Posture.Shared;

namespace K8Posture.Features.Intel;

/// <summary>A parsed FIRST EPSS daily scores file.</summary>
public sealed record EpssFeed(string? ModelVersion, DateOnly ScoreDate, IReadOnlyList<EpssScore> Scores);

/// <summary>
/// Reads FIRST's <c>epss_scores-YYYY-MM-DD.csv</c> (gzipped as published, or plain): the
/// <c>#model_version:…,score_date:…</c> line, the header <c>cve,epss,percentile</c>, one row per CVE. A problem names
/// the line and the field.
/// </summary>
public static class EpssCsvParser
{
    public const string Title = "Invalid EPSS file";

    public static EpssFeed Parse(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length >= 2 && payload.Span[0] == 0x1f && payload.Span[1] == 0x8b)
        {
            payload = Gunzip(payload);
        }
        var text = payload.Span;
        if (text.Length >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF)
        {
            text = text[3..];
        }
        var lineNumber = 0;
        string? modelVersion = null;
        DateOnly? scoreDate = null;
        var headerSeen = false;
        var scores = new List<EpssScore>(Math.Max(16, text.Length / 30));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (!text.IsEmpty)
        {
            lineNumber++;
            var end = text.IndexOf((byte)'\n');
            var line = end < 0 ? text : text[..end];
            text = end < 0 ? [] : text[(end + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }
            if (line.IsEmpty)
            {
                continue;
            }
            var lineText = System.Text.Encoding.UTF8.GetString(line);
            if (lineText[0] == '#')
            {
                if (headerSeen || scores.Count > 0)
                {
                    throw Problem(lineNumber, null, "a # line comes only first (#model_version:…,score_date:…).");
                }
                foreach (var part in lineText[1..].Split(','))
                {
                    var colon = part.IndexOf(':', StringComparison.Ordinal);
                    if (colon < 0)
                    {
                        continue;
                    }
                    var key = part[..colon].Trim();
                    var value = part[(colon + 1)..].Trim();
                    if (key == "model_version")
                    {
                        modelVersion = ColumnLengths.Clip(value, IntelFeedLoadConfiguration.VersionMaxLength);
                    }
                    else if (key == "score_date")
                    {
                        scoreDate = DateTimeOffset.TryParseExact(value, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss'+0000'"],
                                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? DateOnly.FromDateTime(at.UtcDateTime)
                            : DateOnly.TryParseExact(value.Length >= 10 ? value[..10] : value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
                            : throw Problem(lineNumber, "score_date", $"\"{KevCatalogParser.Shorten(value)}\" is not a date (YYYY-MM-DDThh:mm:ss+0000).");
                    }
                }
                continue;
            }
            if (!headerSeen)
            {
                var columns = lineText.Split(',').Select(c => c.Trim().ToLowerInvariant()).ToArray();
                if (columns is not ["cve", "epss", "percentile", ..])
                {
                    throw Problem(lineNumber, null, $"the header is \"cve,epss,percentile\", not \"{KevCatalogParser.Shorten(lineText)}\".");
                }
                headerSeen = true;
                continue;
            }
            var fields = lineText.Split(',');
            if (fields.Length < 3)
            {
                throw Problem(lineNumber, null, $"a row has 3 fields (cve,epss,percentile); this one has {fields.Length}.");
            }
            var cve = fields[0].Trim().ToUpperInvariant();
            if (!KevCatalogParser.CveId().IsMatch(cve))
            {
                throw Problem(lineNumber, "cve", $"\"{KevCatalogParser.Shorten(fields[0])}\" is not a CVE id.");
            }
            if (!seen.Add(cve))
            {
                throw Problem(lineNumber, "cve", $"{cve} is listed twice.");
            }
            scores.Add(new EpssScore { CveId = cve, Score = Probability(fields[1], lineNumber, "epss"), Percentile = Probability(fields[2], lineNumber, "percentile") });
        }
        if (!headerSeen)
        {
            throw Problem(Math.Max(1, lineNumber), null, "the file has no header \"cve,epss,percentile\" (is it FIRST's EPSS CSV?).");
        }
        if (scoreDate is not { } date)
        {
            throw Problem(1, "score_date", "the first line must carry the feed's date: #model_version:…,score_date:YYYY-MM-DDT00:00:00+0000.");
        }
        return new EpssFeed(modelVersion, date, scores);
    }

    private static double Probability(string text, int line, string field) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1
            ? value
            : throw Problem(line, field, $"\"{KevCatalogParser.Shorten(text)}\" is not a number from 0 to 1.");

    private static IngestRejectedException Problem(int line, string? field, string message) =>
        new(Title, "EPSS CSV: " + message, pointer: field is null ? $"line {line}" : $"line {line}, field {field}");

    private static ReadOnlyMemory<byte> Gunzip(ReadOnlyMemory<byte> payload)
    {
        try
        {
            using var input = new MemoryStream(payload.ToArray(), writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            // FIRST's file is ≈ 10 MB unpacked; refuse a bomb.
            var buffer = new byte[81920];
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                if (output.Length + read > 256L * 1024 * 1024)
                {
                    throw new IngestRejectedException(Title, "EPSS CSV: the gzip unpacks to more than 256 MB.", statusCode: StatusCodes.Status413PayloadTooLarge);
                }
                output.Write(buffer, 0, read);
            }
            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new IngestRejectedException(Title, "EPSS CSV: the gzip is damaged: " + ex.Message);
        }
    }
}
