using System.Data.Common;
using System.Text.Json;
using Dapper;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Market;

/// <summary>
/// Stored matching rounds: the proposals and explanations of a round, so the desk (and later an inspector) can see
/// what was proposed and why. The region's grain runs and stores them.
/// </summary>
public sealed class MatchingRounds(Database database)
{
    /// <summary>
    /// A proposed place for a child, with what a desk weighs at a glance: urgency, days waiting since the measure and the
    /// child's needs (all of which the place has). The last three are absent (null) in rounds stored before they were kept.
    /// </summary>
    public sealed record Proposal(Guid RequestId, string CaseReference, Guid OfferingId, string ProviderName, string LocationName,
        string Municipality, string CareType, double DistanceKm, string Explanation, IReadOnlyList<Option> Options,
        string? Urgency = null, int? WaitingDays = null, string? Needs = null);

    public sealed record LeftOut(Guid RequestId, string CaseReference, string CareType, string Reason, string Explanation, IReadOnlyList<Option> Options);

    public sealed record Option(Guid OfferingId, string ProviderName, string LocationName, double DistanceKm, int FreeUnits, bool AllowedByPolicy);

    /// <summary>A child left out of the round because it waits for a provider's answer on a hold.</summary>
    public sealed record Held(Guid RequestId, string CaseReference, string CareType, Guid OfferingId, string ProviderName, DateTimeOffset ExpiresAt);

    /// <summary>
    /// A stored round. <paramref name="WaitingForAnswer"/> and <paramref name="Options"/> are absent in rounds stored before
    /// rounds remembered declines and holds. <paramref name="Objective"/> is the proposals' value; <paramref name="BestPossible"/>
    /// is null when they are proven the best allocation, and otherwise (the search stopped at its limit on a dense market)
    /// what no allocation can beat (<see cref="Matching.MatchingResult.BestPossible"/>). Both absent in rounds stored before.
    /// </summary>
    public sealed record Round(Guid Id, string RegionCode, DateTimeOffset CreatedAt, string PolicyVersion, long SolveMillis,
        IReadOnlyList<int> PlacedByPriority, IReadOnlyList<Proposal> Proposals, IReadOnlyList<LeftOut> NotPlaced,
        IReadOnlyList<Held>? WaitingForAnswer = null, Grains.RoundOptions? Options = null,
        Matching.Objective? Objective = null, Matching.Objective? BestPossible = null)
    {
        /// <summary>Every child a round shows (part of the round's answer to systems).</summary>
        public string CaseReferences => string.Join(",", Shown().Select(child => child.CaseReference).Distinct());

        /// <summary>The read is audited with the request ids of the children it shows (as every list read), not their case references.</summary>
        public Task AuditReadAsync(Journal journal, Actor reader) =>
            journal.AuditReadAsync(reader, "matching-round-read", "matching-round", Id.ToString(), RegionCode, Journal.RequestIds(Shown().Select(child => child.RequestId)));

        /// <summary>Proposed, left out and waiting children, in that order (a method: not part of the round's JSON).</summary>
        private IEnumerable<(Guid RequestId, string CaseReference)> Shown() =>
            Proposals.Select(p => (p.RequestId, p.CaseReference)).Concat(NotPlaced.Select(n => (n.RequestId, n.CaseReference)))
                .Concat((WaitingForAnswer ?? []).Select(h => (h.RequestId, h.CaseReference)));
    }

    /// <summary>The region's most recent round (run by a desk or on the region's schedule), if any.</summary>
    public async Task<Round?> LatestAsync(string regionCode, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await LatestAsync(connection, null, regionCode);
    }

    /// <summary>The region's most recent round, read in the caller's transaction.</summary>
    public static async Task<Round?> LatestAsync(DbConnection connection, DbTransaction? transaction, string regionCode)
    {
        var json = await connection.QueryFirstOrDefaultAsync<string>(
            "SELECT result FROM matching_rounds WHERE region_code = @regionCode ORDER BY created_at DESC, id LIMIT 1", new { regionCode }, transaction);
        return json is null ? null : JsonSerializer.Deserialize<Round>(json, Journal.EventJson);
    }

    public async Task<Round?> FindAsync(string regionCode, Guid roundId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var json = await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT result FROM matching_rounds WHERE id = @roundId AND region_code = @regionCode", new { roundId, regionCode });
        return json is null ? null : JsonSerializer.Deserialize<Round>(json, Journal.EventJson);
    }
}
