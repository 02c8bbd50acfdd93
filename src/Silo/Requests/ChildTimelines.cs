using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Requests;

/// <summary>A child's dossier (<see cref="ChildTimeline"/>) for whoever may read it, each read audited in the child's region.</summary>
public sealed class ChildTimelines(Database database, Journal journal)
{
    /// <summary>The desk of the child's region (or one acting for it); <paramref name="through"/> names the door in the audit.</summary>
    public async Task<ChildTimeline?> ForDeskAsync(Actor reader, string regionCode, Guid requestId, string through)
    {
        if (await ChildTimeline.ReadAsync(database, regionCode, requestId) is not { } timeline) return null;
        await journal.AuditReadAsync(reader, "request-read", "request", requestId.ToString(), regionCode, $"{timeline.CaseReference} ({through})");
        return timeline;
    }

    /// <summary>The caseworker who filed the child, in whichever region; for anyone else the child does not exist.</summary>
    public async Task<(ChildTimeline Timeline, string RegionName)?> ForCaseworkerAsync(Actor caseworker, Guid requestId)
    {
        RegionOfChild? found;
        await using (var connection = await database.OpenAsync())
            found = await connection.QuerySingleOrDefaultAsync<RegionOfChild>("""
                SELECT g.code AS Code, g.name AS Name FROM requests r JOIN regions g ON g.code = r.region_code
                WHERE r.id = @requestId AND r.caseworker_id = @caseworker
                """, new { requestId, caseworker = caseworker.Id });
        if (found is null || await ChildTimeline.ReadAsync(database, found.Code, requestId) is not { } timeline) return null;
        await journal.AuditReadAsync(caseworker, "request-read", "request", requestId.ToString(), found.Code, $"{timeline.CaseReference} (caseworker)");
        return (timeline, found.Name);
    }

    private sealed class RegionOfChild
    {
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
    }
}
