using System.Text.Json;
using Dapper;
using Matchmaker.Matching;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Market;

/// <summary>
/// A matching round for one region: the matcher on the region's open requests and the places the region may
/// use, stored with its proposals and explanations so the desk (and later an inspector) can see what was proposed and why.
/// </summary>
public sealed class MatchingRounds(Database database, Journal journal, TimeProvider clock)
{
    public sealed record Proposal(Guid RequestId, string CaseReference, Guid OfferingId, string ProviderName, string LocationName,
        string Municipality, string CareType, double DistanceKm, string Explanation, IReadOnlyList<Option> Options);

    public sealed record LeftOut(Guid RequestId, string CaseReference, string CareType, string Reason, string Explanation, IReadOnlyList<Option> Options);

    public sealed record Option(Guid OfferingId, string ProviderName, string LocationName, double DistanceKm, int FreeUnits, bool AllowedByPolicy);

    public sealed record Round(Guid Id, string RegionCode, DateTimeOffset CreatedAt, string PolicyVersion, long SolveMillis,
        IReadOnlyList<int> PlacedByPriority, IReadOnlyList<Proposal> Proposals, IReadOnlyList<LeftOut> NotPlaced);

    private sealed class RegionPolicy
    {
        public bool AllowOutOfRegion { get; init; }
        public bool AllowNonContracted { get; init; }
    }

    private sealed class OfferingLabel
    {
        public Guid Id { get; init; }
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
        public string Municipality { get; init; } = "";
    }

    public async Task<Round> RunAsync(Actor actor, string regionCode, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await using var connection = await database.OpenAsync(cancellationToken);
        var policy = await connection.QuerySingleOrDefaultAsync<RegionPolicy>(
            "SELECT allow_out_of_region AS AllowOutOfRegion, allow_non_contracted AS AllowNonContracted FROM regions WHERE code = @regionCode",
            new { regionCode }) ?? throw MarketRuleException.NotFound("This region");
        var requests = (await connection.QueryAsync<MarketRows.RequestRow>(
            MarketRows.SelectRequests + " WHERE region_code = @regionCode AND status = 'open' ORDER BY registered_at, id",
            new { regionCode })).ToList();
        var careTypes = requests.Select(r => r.CareType).ToHashSet();
        var offerings = (await MarketRows.OfferingsAsync(connection, null)).Where(o => careTypes.Contains(o.CareType)).ToList();
        var instance = new MatchingInstance(
            offerings.Select(o => o.ToPlace()).ToList(),
            requests.Select(r => r.ToRequest(today)).ToList(),
            new AllocationPolicy(policy.AllowOutOfRegion, policy.AllowNonContracted));
        var result = Matcher.Solve(instance, ExplanationWords.Dutch);

        var labels = (await connection.QueryAsync<OfferingLabel>("""
            SELECT o.id AS Id, p.name AS ProviderName, l.name AS LocationName, m.name AS Municipality
            FROM offerings o JOIN organisations p ON p.id = o.provider_id JOIN locations l ON l.id = o.location_id
            JOIN municipalities m ON m.id = l.municipality_id
            """)).ToDictionary(l => l.Id);
        var byId = requests.ToDictionary(r => r.Id.ToString());
        var freeUnits = offerings.ToDictionary(o => o.Id, o => o.FreeUnits);
        IReadOnlyList<Option> Options(IReadOnlyList<PlaceOption> options) => options.Select(o =>
        {
            var label = labels[Guid.Parse(o.Place)];
            return new Option(Guid.Parse(o.Place), label.ProviderName, label.LocationName, o.DistanceKm, freeUnits[Guid.Parse(o.Place)], o.AllowedByPolicy);
        }).ToList();

        var round = new Round(Guid.NewGuid(), regionCode, now, result.PolicyVersion, result.SolveMillis, result.Objective.AssignedByPriority,
            result.Assignments.Select(a =>
            {
                var request = byId[a.Request];
                var label = labels[Guid.Parse(a.Place)];
                return new Proposal(request.Id, request.CaseReference, label.Id, label.ProviderName, label.LocationName, label.Municipality,
                    request.CareType, a.DistanceKm, a.Explanation, Options(a.Options));
            }).ToList(),
            result.Unassigned.Select(u =>
            {
                var request = byId[u.Request];
                return new LeftOut(request.Id, request.CaseReference, request.CareType, u.Reason, u.Explanation, Options(u.Options));
            }).ToList());

        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync("""
            INSERT INTO matching_rounds (id, region_code, policy_version, created_at, created_by, requests, placed, solve_millis, result)
            VALUES (@Id, @RegionCode, @PolicyVersion, @CreatedAt, @createdBy, @requests, @placed, @SolveMillis, @result)
            """, new
        {
            round.Id, round.RegionCode, round.PolicyVersion, round.CreatedAt, createdBy = actor.Id, requests = requests.Count,
            placed = round.Proposals.Count, round.SolveMillis, result = JsonSerializer.Serialize(round, Journal.EventJson),
        }, transaction);
        await journal.AuditAsync(connection, transaction, actor, "matching-round-run", "matching-round", round.Id.ToString(), regionCode,
            $"{requests.Count} open requests, {round.Proposals.Count} proposals");
        await journal.CommitAsync(transaction, cancellationToken);
        return round;
    }

    /// <summary>The region's most recent round (run by a desk or on the region's schedule), if any.</summary>
    public async Task<Round?> LatestAsync(string regionCode, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var json = await connection.QueryFirstOrDefaultAsync<string>(
            "SELECT result FROM matching_rounds WHERE region_code = @regionCode ORDER BY created_at DESC, id LIMIT 1", new { regionCode });
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
