using K8Posture.Shared.Http;
using System.Net.Mail;
using System.Text.RegularExpressions;

namespace K8Posture.Features.Organisation;

/// <summary>
/// A refused organisation change: 400 (invalid input), 404 (unknown name) or 409 (a conflict such as a duplicate name, or a
/// team that still owns data); <see cref="ProblemException.Field"/> names what was wrong.
/// </summary>
public static class OrganisationProblem
{
    public static ProblemException Invalid(string field, string detail) => ProblemException.BadRequest("Invalid organisation change", detail, field);
    public static ProblemException NotFound(string what, string name) => ProblemException.NotFound($"Unknown {what}", $"No {what} named '{name}'.");
    public static ProblemException Conflict(string detail, string? field = null) => ProblemException.Conflict("Organisation conflict", detail, field);
}

/// <summary>The rules every way into the organisation (pages, API, organisation as code, CSV) applies alike.</summary>
public static partial class OrganisationValidation
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 1000;

    // Names reach pages, charts, exports and URLs (/teams/{name}): letters, digits and a few punctuation marks, no markup, no slash.
    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{N} ._&()',+-]*$")]
    private static partial Regex NamePattern();

    /// <summary>A trimmed, valid name; otherwise a 400 that names the field.</summary>
    public static string Name(string field, string? value)
    {
        var name = value?.Trim() ?? "";
        if (name.Length == 0)
        {
            throw OrganisationProblem.Invalid(field, $"'{field}' is required.");
        }
        if (name.Length > MaxNameLength)
        {
            throw OrganisationProblem.Invalid(field, $"'{field}' is {name.Length} characters long; the limit is {MaxNameLength}.");
        }
        if (!NamePattern().IsMatch(name))
        {
            throw OrganisationProblem.Invalid(field,
                $"'{field}' may hold letters, digits, spaces and . _ & ( ) ' , + - only, starting with a letter or digit.");
        }
        return name;
    }

    /// <summary>Free text (descriptions, regulatory scope, privileges): trimmed, null when empty, bounded, no control characters.</summary>
    public static string? Text(string field, string? value, int maxLength = MaxDescriptionLength)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (text.Length > maxLength)
        {
            throw OrganisationProblem.Invalid(field, $"'{field}' is {text.Length} characters long; the limit is {maxLength}.");
        }
        if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            throw OrganisationProblem.Invalid(field, $"'{field}' contains control characters.");
        }
        return text;
    }

    public static string? Email(string field, string? value)
    {
        var email = Text(field, value, 320);
        if (email is null)
        {
            return null;
        }
        if (!MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !email.Contains('@', StringComparison.Ordinal))
        {
            throw OrganisationProblem.Invalid(field, $"'{field}' is not an e-mail address: '{email}'.");
        }
        return email;
    }

    /// <summary>A Teams or Slack channel: a name such as <c>#payments-sec</c>, or an https link to it.</summary>
    public static string? Channel(string field, string? value)
    {
        var channel = Text(field, value, 500);
        if (channel is null)
        {
            return null;
        }
        if (channel.Contains("://", StringComparison.Ordinal)
            && !(Uri.TryCreate(channel, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps))
        {
            throw OrganisationProblem.Invalid(field, $"'{field}' must be a channel name or an https link.");
        }
        return channel;
    }

    /// <summary>An Entra object or application id: a GUID, stored lower-case without braces.</summary>
    public static string EntraId(string field, string? value)
    {
        var text = value?.Trim() ?? "";
        if (!Guid.TryParseExact(text, "D", out var id))
        {
            throw OrganisationProblem.Invalid(field, $"'{field}' must be an Entra ID object or application id (a GUID such as 7c1e4a9b-0d2f-4e55-9a53-1f0b6a2c3d4e), not '{Shorten(text)}'.");
        }
        return id.ToString("D");
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
