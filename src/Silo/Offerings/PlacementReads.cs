using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Offerings;

/// <summary>
/// One placement as the two parties to it see it: the desk of the child's region (with the child's request and case
/// reference) or the provider of the offering (without them). Anyone else is told it does not exist. The read is audited.
/// </summary>
public sealed class PlacementReads(Database database, Journal journal)
{
    public sealed record PlacementView(Guid PlacementId, Guid OfferingId, string ProviderName, string LocationName, string CareType,
        DateOnly StartDate, DateOnly? EndDate, string? EndReason, Guid? RequestId, string? CaseReference);

    private sealed class Row
    {
        public Guid PlacementId { get; init; }
        public Guid OfferingId { get; init; }
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
        public string CareType { get; init; } = "";
        public DateOnly StartDate { get; init; }
        public DateOnly? EndDate { get; init; }
        public string? EndReason { get; init; }
        public Guid RequestId { get; init; }
        public string CaseReference { get; init; } = "";
        public string RegionCode { get; init; } = "";
    }

    public async Task<PlacementView?> FindAsync(Actor caller, Guid placementId)
    {
        var isProvider = caller.Role == Roles.Provider;
        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<Row>($"""
            SELECT pl.id AS PlacementId, pl.offering_id AS OfferingId, p.name AS ProviderName, l.name AS LocationName, o.care_type AS CareType,
                   pl.start_date AS StartDate, pl.end_date AS EndDate, pl.end_reason AS EndReason, pl.request_id AS RequestId,
                   r.case_reference AS CaseReference, pl.region_code AS RegionCode
            FROM placements pl JOIN requests r ON r.id = pl.request_id JOIN offerings o ON o.id = pl.offering_id
            JOIN organisations p ON p.id = o.provider_id JOIN locations l ON l.id = o.location_id
            WHERE pl.id = @placementId AND {(isProvider ? "o.provider_id = @organisationId" : "pl.region_code = @regionCode")}
            """, new { placementId, organisationId = caller.OrganisationId, regionCode = caller.RegionCode });
        if (row is null) return null;
        await journal.AuditAsync(connection, null, caller, "placement-read", "placement", row.PlacementId.ToString(), row.RegionCode,
            isProvider ? null : row.CaseReference);
        return new PlacementView(row.PlacementId, row.OfferingId, row.ProviderName, row.LocationName, row.CareType, row.StartDate, row.EndDate,
            row.EndReason, isProvider ? null : row.RequestId, isProvider ? null : row.CaseReference);
    }
}
