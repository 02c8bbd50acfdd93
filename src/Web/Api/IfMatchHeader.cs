using System.Globalization;

namespace Matchmaker.Web.Api;

/// <summary>
/// The optional <c>If-Match</c> header of an edit: the version of the thing as the caller read it (its <c>ETag</c>,
/// e.g. <c>"3"</c>). The engine refuses the edit (412) when the thing has changed since, so a system does not overwrite
/// another's change with what it saw before it. Without the header, or with <c>*</c>, the edit applies to whatever is there.
/// </summary>
public static class IfMatchHeader
{
    public const string Name = "If-Match";

    /// <summary>Endpoint metadata: this edit takes the header (the OpenAPI document says so).</summary>
    public sealed class Accepted;

    public static RouteHandlerBuilder AcceptsIfMatch(this RouteHandlerBuilder builder) => builder.WithMetadata(new Accepted());

    /// <summary>The version as an entity tag: <c>"3"</c>.</summary>
    public static string Tag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static bool TryRead(HttpContext context, out long? version, out IResult? problem)
    {
        version = null;
        problem = null;
        if (!context.Request.Headers.TryGetValue(Name, out var values)) return true;
        var text = values.ToString().Trim();
        if (values.Count == 1 && text == "*") return true;
        // A weak tag (W/"3") names the same version; a bare 3 is how many clients send it.
        var tag = text.StartsWith("W/", StringComparison.Ordinal) ? text[2..] : text;
        if (tag.Length >= 2 && tag[0] == '"' && tag[^1] == '"') tag = tag[1..^1];
        if (values.Count == 1 && tag.Length is > 0 and <= 19 && tag.All(char.IsAsciiDigit)
            && long.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var read) && read > 0)
        {
            version = read;
            return true;
        }
        problem = ApiProblems.Invalid(Name, $"{Name} is the version read, as the ETag gave it (e.g. \"3\"), or *.");
        return false;
    }
}
