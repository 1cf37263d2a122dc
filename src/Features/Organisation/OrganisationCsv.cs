using K8Posture.Shared.Http;
using System.Globalization;
using System.Text;

namespace K8Posture.Features.Organisation;

/// <summary>
/// A CSV of teams as HR systems export them: header <c>team,business_unit,entra_group_id,contact</c> (names
/// case-insensitive, any order, other columns ignored), one row per team and Entra group (a team repeats on several
/// rows; the group may be empty). The contact is an e-mail address, or a chat channel when it is not one. Parsed as
/// RFC 4180 (quoted fields with commas, doubled quotes and line breaks; CRLF or LF). It becomes the same
/// <see cref="OrganisationDocument"/> as YAML, with descriptions and applications left out (left alone). Errors name the line.
/// </summary>
public static class OrganisationCsv
{
    public const string TeamColumn = "team";
    public const string BusinessUnitColumn = "business_unit";
    public const string GroupColumn = "entra_group_id";
    public const string ContactColumn = "contact";

    private static readonly string[] Columns = [TeamColumn, BusinessUnitColumn, GroupColumn, ContactColumn];

    /// <summary>True when a first line reads as this CSV's header: comma-separated, with a <c>team</c> column.</summary>
    public static bool LooksLikeHeader(string firstLine)
    {
        if (!firstLine.Contains(',', StringComparison.Ordinal) || firstLine.TrimStart().StartsWith('#'))
        {
            return false;
        }
        var (records, _) = Split(firstLine);
        return records.Count == 1 && records[0].Fields.Any(f => string.Equals(f.Trim(), TeamColumn, StringComparison.OrdinalIgnoreCase));
    }

    /// <exception cref="OrganisationDocumentException">Every problem of the file, each naming its line.</exception>
    public static OrganisationDocument Read(string text)
    {
        var (records, errors) = Split(text);
        records.RemoveAll(r => r.Fields.All(string.IsNullOrWhiteSpace));
        if (errors.Count > 0)
        {
            throw new OrganisationDocumentException(errors);
        }
        if (records.Count == 0)
        {
            throw new OrganisationDocumentException([new OrganisationDocumentError("line 1", "The CSV is empty; its first line is the header team,business_unit,entra_group_id,contact.")]);
        }

        var header = records[0];
        var columnIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim();
            if (Columns.Contains(name, StringComparer.OrdinalIgnoreCase) && !columnIndex.TryAdd(name, i))
            {
                errors.Add(new OrganisationDocumentError(Line(header.Line), $"The column '{name}' appears twice in the header."));
            }
        }
        var missing = Columns.Where(c => !columnIndex.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            errors.Add(new OrganisationDocumentError(Line(header.Line),
                $"The header lacks the column{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)}; it needs team,business_unit,entra_group_id,contact (any order)."));
            throw new OrganisationDocumentException(errors);
        }

        var teams = new List<CsvTeam>();
        var teamsByName = new Dictionary<string, CsvTeam>(StringComparer.OrdinalIgnoreCase);
        foreach (var record in records.Skip(1))
        {
            var line = Line(record.Line);
            string Cell(string column) => columnIndex[column] < record.Fields.Count ? record.Fields[columnIndex[column]].Trim() : "";

            var teamName = Check(errors, () => OrganisationValidation.Name($"{line}, column {TeamColumn}", Cell(TeamColumn)));
            var businessUnitCell = Cell(BusinessUnitColumn);
            var businessUnit = businessUnitCell.Length == 0 ? null : Check(errors, () => OrganisationValidation.Name($"{line}, column {BusinessUnitColumn}", businessUnitCell));
            var groupCell = Cell(GroupColumn);
            var group = groupCell.Length == 0 ? null : Check(errors, () => OrganisationValidation.EntraId($"{line}, column {GroupColumn}", groupCell));
            var contact = Cell(ContactColumn);
            string? email = null, channel = null;
            if (IsEmail(contact))
            {
                email = Check(errors, () => OrganisationValidation.Email($"{line}, column {ContactColumn}", contact));
            }
            else if (contact.Length > 0)
            {
                channel = Check(errors, () => OrganisationValidation.Channel($"{line}, column {ContactColumn}", contact));
            }
            if (teamName is null)
            {
                continue;
            }

            if (!teamsByName.TryGetValue(teamName, out var team))
            {
                team = new CsvTeam(line, teamName, businessUnit);
                teamsByName[teamName] = team;
                teams.Add(team);
            }
            else if (team.Name != teamName)
            {
                errors.Add(new OrganisationDocumentError(line, $"The team '{teamName}' is spelled '{team.Name}' on {team.Line}; spell it the same on every row."));
                continue;
            }
            else if (!string.Equals(team.BusinessUnit, businessUnit, StringComparison.Ordinal))
            {
                errors.Add(new OrganisationDocumentError(line,
                    $"The team '{teamName}' is in business unit '{businessUnit ?? "(none)"}' here but '{team.BusinessUnit ?? "(none)"}' on {team.Line}; a team belongs to one business unit."));
                continue;
            }
            if (email is not null)
            {
                AddContact(errors, line, teamName, "e-mail address", email, ref team.Email, ref team.EmailLine);
            }
            if (channel is not null)
            {
                AddContact(errors, line, teamName, "chat channel", channel, ref team.Channel, ref team.ChannelLine);
            }
            if (group is not null && !team.Groups.Any(g => g.Id == group))
            {
                team.Groups.Add(new GroupEntry(line, group, Given<string?>.Omitted));
            }
        }

        var businessUnits = teams.Where(t => t.BusinessUnit is not null)
            .GroupBy(t => t.BusinessUnit!, StringComparer.Ordinal)
            .Select(g => new BusinessUnitEntry(g.First().Line, g.Key, Given<string?>.Omitted, g.Select(t => t.ToEntry()).ToList()))
            .ToList();
        Unique(businessUnits, errors);
        var document = new OrganisationDocument(businessUnits, teams.Where(t => t.BusinessUnit is null).Select(t => t.ToEntry()).ToList(), [], null);
        OrganisationDocumentChecks.CheckDuplicates(document, errors);
        if (errors.Count > 0)
        {
            throw new OrganisationDocumentException(errors, document);
        }
        return document;
    }

    private static void Unique(List<BusinessUnitEntry> businessUnits, List<OrganisationDocumentError> errors)
    {
        foreach (var clash in businessUnits.GroupBy(b => b.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add(new OrganisationDocumentError(clash.Last().Path,
                $"The business unit is spelled {string.Join(" and ", clash.Select(b => $"'{b.Name}' ({b.Path})"))}; spell it the same on every row."));
        }
    }

    private static void AddContact(List<OrganisationDocumentError> errors, string line, string team, string what, string value, ref string? current, ref string? currentLine)
    {
        if (current is null)
        {
            current = value;
            currentLine = line;
        }
        else if (!string.Equals(current, value, StringComparison.Ordinal))
        {
            errors.Add(new OrganisationDocumentError(line, $"The team '{team}' has the {what} '{current}' on {currentLine} and '{value}' here; give a team one."));
        }
    }

    private static bool IsEmail(string contact) =>
        contact.Contains('@', StringComparison.Ordinal) && !contact.StartsWith('#') && !contact.Contains("://", StringComparison.Ordinal);

    private static string? Check(List<OrganisationDocumentError> errors, Func<string?> validate)
    {
        try
        {
            return validate();
        }
        catch (ProblemException ex)
        {
            errors.Add(new OrganisationDocumentError(ex.Field?.Split(',')[0] ?? "", ex.Message));
            return null;
        }
    }

    private static string Line(int number) => string.Create(CultureInfo.InvariantCulture, $"line {number}");

    private sealed class CsvTeam(string line, string name, string? businessUnit)
    {
        public string Line { get; } = line;
        public string Name { get; } = name;
        public string? BusinessUnit { get; } = businessUnit;
        public List<GroupEntry> Groups { get; } = [];
        public string? Email;
        public string? EmailLine;
        public string? Channel;
        public string? ChannelLine;

        public TeamEntry ToEntry() => new(Line, Name, Given<string?>.Omitted,
            Email is null ? Given<string?>.Omitted : Given<string?>.Of(Email),
            Channel is null ? Given<string?>.Omitted : Given<string?>.Of(Channel),
            Groups, []);
    }

    internal sealed record CsvRecord(int Line, List<string> Fields);

    /// <summary>RFC 4180 records with the line each starts on; a quoted field may hold commas, doubled quotes and line breaks.</summary>
    internal static (List<CsvRecord> Records, List<OrganisationDocumentError> Errors) Split(string text)
    {
        var records = new List<CsvRecord>();
        var errors = new List<OrganisationDocumentError>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var i = 0;
        var fieldStarted = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"' && !fieldStarted)
            {
                var quoteLine = line;
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        closed = true;
                        break;
                    }
                    if (text[i] == '\n')
                    {
                        line++;
                    }
                    field.Append(text[i++]);
                }
                if (!closed)
                {
                    errors.Add(new OrganisationDocumentError(Line(quoteLine), "A quoted field starts here and is never closed."));
                    break;
                }
                fieldStarted = true;
                if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    errors.Add(new OrganisationDocumentError(Line(line), "A quoted field must end at its closing quote (write a quote inside it as \"\")."));
                    while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                    {
                        i++;
                    }
                }
                continue;
            }
            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                fieldStarted = false;
                i++;
                continue;
            }
            if (c is '\r' or '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add(new CsvRecord(recordLine, fields));
                fields = [];
                fieldStarted = false;
                i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                line++;
                recordLine = line;
                continue;
            }
            field.Append(c);
            fieldStarted = true;
            i++;
        }
        if (fieldStarted || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add(new CsvRecord(recordLine, fields));
        }
        return (records, errors);
    }
}
