using Matchmaker.Matching;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Figures;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>
/// The published figures for systems (a municipality's BI tool, a national data warehouse): the very tables of the
/// pages /gemeente and /landelijk, from the same daily snapshot, as JSON and as CSV that opens in Excel
/// (docs/open-data.md). A municipality's token reads only its own region; a national token the national table.
/// </summary>
public static class FiguresApi
{
    private const string Snapshot = "The figures are today's snapshot (snapshotDate, UTC): computed by the first request of the day and the same all day, so two calls cannot be differenced (when that computation fails, the last snapshot published, with its own date; in JSON, computationFailedOn names the day that failed). Counts of 1 to 4 children, and as many others as needed that none can be calculated back, are hidden.";

    public static void MapFiguresApi(this RouteGroupBuilder api)
    {
        var figures = api.MapGroup("/figures");
        figures.MapGet("/regions/{regionCode}/shortage", ShortageAsync).RequireAuthorization(Policies.Municipality).RequireScope(Scopes.FiguresRead)
            .Produces<FiguresTables.ShortageReport>(200)
            .Describe("getRegionShortage", $"The region's shortage figures, the tables of the municipality's page: waiting children per care type against the norms, per municipality, why children were not placed, declines, placement stability and the trends. Hidden counts are null. {Snapshot}");
        figures.MapGet("/regions/{regionCode}/shortage/export", ShortageCsvAsync).RequireAuthorization(Policies.Municipality).RequireScope(Scopes.FiguresRead)
            .Produces(200, contentType: "text/csv")
            .Describe("exportRegionShortage", $"The region's shortage figures as CSV (UTF-8 with byte-order mark, ';'): all tables, or one (table: {string.Join(", ", FiguresCsv.ShortageTables.Select(t => t.Code))}). Columns onderdeel;zorgvorm;kenmerk;aantal;verborgen;stand: a hidden count is an empty aantal with verborgen 'ja'. {Snapshot}");
        figures.MapGet("/national", NationalAsync).RequireAuthorization(Policies.National).RequireScope(Scopes.FiguresRead)
            .Produces<FiguresTables.NationalReport>(200)
            .Describe("getNationalFigures", $"Every region side by side, for one care type (careType) or all: children waiting, past the 3-month norm, free places, placements outside the child's region in the last 12 months, and the national total. Hidden counts are null. {Snapshot}");
        figures.MapGet("/national/export", NationalCsvAsync).RequireAuthorization(Policies.National).RequireScope(Scopes.FiguresRead)
            .Produces(200, contentType: "text/csv")
            .Describe("exportNationalFigures", $"The national table as CSV (UTF-8 with byte-order mark, ';'), for one care type (careType) or all; a hidden count is an empty cell with 'ja' in its verborgen column. {Snapshot}");
    }

    private static async Task<IResult> ShortageAsync(string regionCode, HttpContext context, FiguresSnapshots snapshots)
    {
        if (!IsOwnRegion(context, regionCode)) return ApiProblems.RegionNotFound(regionCode);
        return TypedResults.Ok(FiguresTables.Of(await snapshots.ShortageAsync(regionCode)));
    }

    private static async Task<IResult> ShortageCsvAsync(string regionCode, string? table, HttpContext context, FiguresSnapshots snapshots)
    {
        if (!IsOwnRegion(context, regionCode)) return ApiProblems.RegionNotFound(regionCode);
        table = string.IsNullOrEmpty(table) ? null : table;
        if (!FiguresCsv.IsShortageTable(table))
            return ApiProblems.Invalid("table", $"table is one of: {string.Join(", ", FiguresCsv.ShortageTables.Select(t => t.Code))} (or leave it out for all).");
        var snapshot = await snapshots.ShortageAsync(regionCode);
        return TypedResults.File(FiguresCsv.Shortage(snapshot, table), FiguresCsv.ContentType, FiguresCsv.ShortageFileName(snapshot, table));
    }

    private static async Task<IResult> NationalAsync(string? careType, FiguresSnapshots snapshots)
    {
        careType = string.IsNullOrEmpty(careType) ? null : careType;
        if (UnknownCareType(careType) is { } refused) return refused;
        return TypedResults.Ok(FiguresTables.Of(await snapshots.NationalAsync(careType)));
    }

    private static async Task<IResult> NationalCsvAsync(string? careType, FiguresSnapshots snapshots)
    {
        careType = string.IsNullOrEmpty(careType) ? null : careType;
        if (UnknownCareType(careType) is { } refused) return refused;
        var snapshot = await snapshots.NationalAsync(careType);
        return TypedResults.File(FiguresCsv.National(snapshot), FiguresCsv.ContentType, FiguresCsv.NationalFileName(snapshot));
    }

    /// <summary>A municipality sees its own region's figures only; another region answers as if it did not exist.</summary>
    private static bool IsOwnRegion(HttpContext context, string regionCode) =>
        string.Equals(Caller.Of(context).RegionCode, regionCode, StringComparison.Ordinal);

    private static IResult? UnknownCareType(string? careType) =>
        careType is null || CareTypes.All.Contains(careType) ? null
            : ApiProblems.Invalid("careType", $"careType is one of: {string.Join(", ", CareTypes.All.Order(StringComparer.Ordinal))} (or leave it out for all).");
}
