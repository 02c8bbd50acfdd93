using System.Globalization;
using System.Text;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>
/// A region's audit log for a period as CSV, for its security officer (NEN 7513): streamed row by row, oldest first,
/// in UTC; a cell that a spreadsheet would run as a formula is prefixed with a quote.
/// </summary>
public static class AuditExport
{
    public const int LongestPeriodDays = 366;
    private const string Header = "id;at_utc;actor_id;actor_kind;role;organisation_id;action;subject_type;subject_id;detail";

    public static async Task<IResult> WriteAsync(string regionCode, DateOnly? from, DateOnly? to, HttpContext context, AuditLog audit, TimeProvider clock)
    {
        var caller = Caller.Of(context);
        if (!caller.IsDeskOf(regionCode)) return ApiProblems.RegionNotFound(regionCode);
        var errors = new Dictionary<string, string[]>();
        if (from is null) errors["from"] = ["from is required (yyyy-mm-dd)."];
        if (to is null) errors["to"] = ["to is required (yyyy-mm-dd)."];
        // The log has no entries after today (tomorrow, wherever the caller's day has begun); a later day is a mistake.
        var tomorrow = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1);
        if (from > to) errors["to"] = ["to is on or after from."];
        else if (to > tomorrow) errors["to"] = [$"to is {tomorrow:yyyy-MM-dd} or earlier: the log has no later entries."];
        else if (from is not null && to is not null && to.Value.DayNumber - from.Value.DayNumber >= LongestPeriodDays)
            errors["to"] = [$"A period is at most {LongestPeriodDays} days; export longer periods in parts."];
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);

        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{regionCode}-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}.csv\"";
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false));
        await writer.WriteLineAsync(Header);
        var rows = audit.ExportAsync(caller.ToActor(), regionCode, from!.Value, to!.Value, context.RequestAborted);
        await foreach (var row in rows.WithCancellation(context.RequestAborted))
            await writer.WriteLineAsync(string.Join(';', row.Id.ToString(CultureInfo.InvariantCulture), row.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
                Cell(row.ActorId?.ToString()), Cell(row.ActorKind), Cell(row.Role), Cell(row.OrganisationId?.ToString()), Cell(row.Action),
                Cell(row.SubjectType), Cell(row.SubjectId), Cell(row.Detail)));
        await writer.FlushAsync();
        return TypedResults.Empty;
    }

    private static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
