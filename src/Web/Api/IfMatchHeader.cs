namespace Matchmaker.Web.Api;

/// <summary>
/// The optional <c>If-Match</c> header of a request's edit (RFC 9110 §13.1.1): the request's <c>editTag</c> as read,
/// quoted (<c>"5f2c…"</c>), or a list of them. The engine refuses the edit (412) when the request's editable fields are
/// none of those any more, so a system does not overwrite another's change with what it saw before it. A weak tag
/// (<c>W/"…"</c>) never matches, as the RFC's strong comparison says. Without the header, or with <c>*</c>, the edit
/// applies to what is there.
/// </summary>
public static class IfMatchHeader
{
    public const string Name = "If-Match";
    private const int MaxTags = 20;
    private const int MaxTagLength = 64;

    /// <summary>Endpoint metadata: this edit takes the header (the OpenAPI document says so).</summary>
    public sealed class Accepted;

    public static RouteHandlerBuilder AcceptsIfMatch(this RouteHandlerBuilder builder) => builder.WithMetadata(new Accepted());

    /// <summary>The strong tags the header names (none when all were weak); null without the header or with <c>*</c>.</summary>
    public static bool TryRead(HttpContext context, out string[]? tags, out IResult? problem)
    {
        tags = null;
        problem = null;
        if (!context.Request.Headers.TryGetValue(Name, out var values)) return true;
        var text = string.Join(",", values.Select(v => v ?? ""));
        if (text.Trim() == "*") return true;
        if (Parse(text) is { } parsed)
        {
            tags = parsed;
            return true;
        }
        problem = ApiProblems.Invalid(Name,
            $"{Name} is * or a list of up to {MaxTags} quoted tags (the request's editTag as read, e.g. \"5f2c0a9e1b7d3c44\").");
        return false;
    }

    private static string[]? Parse(string text)
    {
        var strong = new List<string>();
        var count = 0;
        var i = 0;
        while (true)
        {
            while (i < text.Length && (text[i] is ' ' or '\t' or ',')) i++;
            if (i == text.Length) return count is > 0 and <= MaxTags ? [.. strong] : null;
            var weak = text.AsSpan(i).StartsWith("W/", StringComparison.Ordinal);
            if (weak) i += 2;
            if (i >= text.Length || text[i] != '"') return null;
            var end = text.IndexOf('"', i + 1);
            if (end < 0) return null;
            var tag = text[(i + 1)..end];
            if (tag.Length > MaxTagLength || tag.Any(c => c is < '!' or > '~')) return null;
            if (!weak) strong.Add(tag);
            count++;
            i = end + 1;
            // Tags are a list: after one, only spaces and then a comma or the end.
            while (i < text.Length && text[i] is ' ' or '\t') i++;
            if (i < text.Length && text[i] != ',') return null;
        }
    }
}
