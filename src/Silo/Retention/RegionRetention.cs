using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Retention;

/// <summary>What one region's retention run changed (all zero when there was nothing left to do).</summary>
[GenerateSerializer, Immutable, Alias("mm.RetentionRun")]
public sealed record RetentionRun(
    [property: Id(0)] int RequestsReduced,
    [property: Id(1)] int HoldsCleared,
    [property: Id(2)] int AuditEntriesRedacted,
    [property: Id(3)] int AuditEntriesRemoved,
    [property: Id(4)] int MatchingRoundsRemoved = 0);

/// <summary>What the run for data of no region did: old audit entries removed, the change log's old events emptied, old idempotency keys removed.</summary>
[GenerateSerializer, Immutable, Alias("mm.RetentionWithoutRegion")]
public sealed record RetentionWithoutRegion(
    [property: Id(0)] int AuditEntriesRemoved,
    [property: Id(1)] int ChangesEmptied,
    [property: Id(2)] int IdempotencyKeysRemoved);

/// <summary>
/// One region's retention (AVG), called only by that region's grain (<see cref="RegionGrain.RunRetention"/>), so one
/// run at a time per region. A request closed (placed, withdrawn) before <see cref="RetentionOptions.ClosedRequestsBefore"/>
/// is reduced to what the figures need: care type, needs, urgency, measure, dates, status, municipality, outcome codes
/// stay; free text (wishes, escalation reason, decline notes), the case reference, the caseworker link and the sibling
/// group go; the birth month becomes its year and the home becomes the centre of its municipality (or region). The
/// request's audit entries keep who, what, when and which subject; their case reference and free text become
/// <see cref="Marker"/>. Audit entries older than <see cref="RetentionOptions.AuditEntriesBefore"/> are removed, and matching
/// rounds (case references, explanations) older than <see cref="RetentionOptions.MatchingRoundsBefore"/>.
/// Batches of its own transactions, the region in every WHERE; the run writes one audit entry with its counts.
/// </summary>
public sealed class RegionRetention(Database database, Journal journal, RetentionOptions options, TimeProvider clock)
{
    /// <summary>What replaces removed text; the audit log's trigger lets a detail change only to a text that carries it.</summary>
    public const string Marker = "[vervallen]";
    public const string RunAction = "retention-run";
    private const int RequestBatch = 100;
    private const int AuditBatch = 1000;
    private const int RoundBatch = 100;

    /// <summary>True when the region never ran its retention, or last ran it an interval ago or longer.</summary>
    public async Task<bool> IsDueAsync(string regionCode)
    {
        await using var connection = await database.OpenAsync();
        var last = await connection.QuerySingleAsync<LastRun>("""
            SELECT max(at) AS At FROM audit_log WHERE region_code = @regionCode AND action = 'retention-run'
            """, new { regionCode });
        return last.At is not { } at || clock.GetUtcNow() - at >= options.Interval;
    }

    public async Task<RetentionRun> RunAsync(string regionCode)
    {
        var now = clock.GetUtcNow();
        var closedBefore = options.ClosedRequestsBefore(now);
        var auditBefore = options.AuditEntriesBefore(now);
        var run = new RetentionRun(0, 0, 0, 0);
        while (true)
        {
            var batch = await ReduceRequestsAsync(regionCode, closedBefore, now);
            run = run with
            {
                RequestsReduced = run.RequestsReduced + batch.RequestsReduced,
                HoldsCleared = run.HoldsCleared + batch.HoldsCleared,
                AuditEntriesRedacted = run.AuditEntriesRedacted + batch.AuditEntriesRedacted,
            };
            if (batch.RequestsReduced < RequestBatch) break;
        }
        var roundsBefore = options.MatchingRoundsBefore(now);
        run = run with
        {
            AuditEntriesRemoved = await InBatchesAsync(() => RemoveAuditEntriesAsync(regionCode, auditBefore), AuditBatch),
            MatchingRoundsRemoved = await InBatchesAsync(() => RemoveMatchingRoundsAsync(regionCode, roundsBefore), RoundBatch),
        };
        await using (var connection = await database.OpenAsync())
        {
            await using var transaction = await database.BeginWriteAsync(connection);
            // The what-if input is kept for its day only (docs/open-data.md): a region that ran no what-if since loses yesterday's here.
            await connection.ExecuteAsync("DELETE FROM what_if_inputs WHERE region_code = @regionCode AND day < @today",
                new { regionCode, today = DateOnly.FromDateTime(now.UtcDateTime) }, transaction);
            await journal.AuditAsync(connection, transaction, Actor.System with { RegionCode = regionCode }, RunAction, "region", regionCode, regionCode,
                $"requests reduced: {run.RequestsReduced}; holds cleared: {run.HoldsCleared}; audit entries redacted: {run.AuditEntriesRedacted}; " +
                $"audit entries removed: {run.AuditEntriesRemoved}; matching rounds removed: {run.MatchingRoundsRemoved}; " +
                $"requests closed before {closedBefore:yyyy-MM-dd}, audit entries before {auditBefore:yyyy-MM-dd}, rounds before {roundsBefore:yyyy-MM-dd}");
            await transaction.CommitAsync();
        }
        return run;
    }

    /// <summary>True when the audit entries without a region (sign-ins, accounts, the command line) are due, as <see cref="IsDueAsync"/>.</summary>
    public async Task<bool> IsDueWithoutRegionAsync()
    {
        await using var connection = await database.OpenAsync();
        var last = await connection.QuerySingleAsync<LastRun>("""
            SELECT max(at) AS At FROM audit_log WHERE region_code IS NULL AND action = 'retention-run'
            """);
        return last.At is not { } at || clock.GetUtcNow() - at >= options.Interval;
    }

    /// <summary>
    /// What belongs to no region, called only by <see cref="AuditRetentionGrain"/>: audit entries without a region older
    /// than the audit retention; the payloads of the change log's events older than <see cref="RetentionOptions.ChangeLogDays"/>
    /// (they carry a child's age, needs and distance; the log is the engine's one log of every region's changes, so one
    /// owner empties it, and its rows stay as every reader's cursor); idempotency keys older than
    /// <see cref="RetentionOptions.IdempotencyKeyDays"/> (their stored results name children's holds). In batches; the run
    /// is audited (without a region) with its counts.
    /// </summary>
    public async Task<RetentionWithoutRegion> RunWithoutRegionAsync()
    {
        var now = clock.GetUtcNow();
        var before = options.AuditEntriesBefore(now);
        var changesBefore = RetentionOptions.ChangesBefore(now);
        var keysBefore = RetentionOptions.IdempotencyKeysBefore(now);
        var audit = await InBatchesAsync(() => RemoveAuditEntriesAsync(null, before), AuditBatch);
        var changes = await InBatchesAsync(() => EmptyChangesAsync(changesBefore), AuditBatch);
        var keys = await InBatchesAsync(() => RemoveIdempotencyKeysAsync(keysBefore), AuditBatch);
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        await journal.AuditAsync(connection, transaction, Actor.System, RunAction, "audit-log", null, null,
            $"audit entries removed: {audit}; changes emptied: {changes}; idempotency keys removed: {keys}; " +
            $"audit entries before {before:yyyy-MM-dd}, changes before {changesBefore:yyyy-MM-dd}, idempotency keys before {keysBefore:yyyy-MM-dd}");
        await transaction.CommitAsync();
        return new RetentionWithoutRegion(audit, changes, keys);
    }

    /// <summary>Runs <paramref name="batch"/> (its own transaction each time) until one does less than <paramref name="size"/>; answers the total.</summary>
    private static async Task<int> InBatchesAsync(Func<Task<int>> batch, int size)
    {
        var total = 0;
        while (true)
        {
            var done = await batch();
            total += done;
            if (done < size) return total;
        }
    }

    /// <summary>
    /// Up to <see cref="RoundBatch"/> of the region's rounds run before <paramref name="before"/>, in one transaction; the
    /// holds placed from them stay (their request's retention reduces them) without the link to the round.
    /// </summary>
    private async Task<int> RemoveMatchingRoundsAsync(string regionCode, DateTimeOffset before)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        // Every round past its time loses its holds at once (one pass over the region's holds); the rounds go in batches.
        await connection.ExecuteAsync("""
            UPDATE holds SET matching_round_id = NULL
            WHERE region_code = @regionCode
              AND matching_round_id IN (SELECT id FROM matching_rounds WHERE region_code = @regionCode AND created_at < @before)
            """, new { regionCode, before }, transaction);
        var removed = await connection.ExecuteAsync("""
            DELETE FROM matching_rounds
            WHERE region_code = @regionCode
              AND id IN (SELECT id FROM matching_rounds WHERE region_code = @regionCode AND created_at < @before ORDER BY created_at, id LIMIT @limit)
            """, new { regionCode, before, limit = RoundBatch }, transaction);
        await transaction.CommitAsync();
        return removed;
    }

    /// <summary>
    /// Empties the payloads of up to <see cref="AuditBatch"/> of the change log's events older than <paramref name="before"/>,
    /// in one transaction, and answers how many events the batch covered. The rows stay: an event's number is every
    /// reader's cursor, and a removed one would let a reader skip events without a word. Only a prefix of the log goes,
    /// from where the last batch stopped (<c>change_log_emptied</c>) up to the first younger event: <c>created_at</c> is
    /// each node's clock and numbers are taken before commit, so an older event can follow a younger one, and a mark past
    /// a younger event would leave it whole for good.
    /// </summary>
    private async Task<int> EmptyChangesAsync(DateTimeOffset before)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var through = await connection.ExecuteScalarAsync<long>("SELECT through_id FROM change_log_emptied WHERE id = 1", transaction: transaction);
        var firstYounger = await connection.ExecuteScalarAsync<long?>("SELECT min(id) FROM outbox WHERE id > @through AND created_at >= @before",
            new { through, before }, transaction) ?? long.MaxValue;
        var batch = await connection.QuerySingleAsync<EmptiedBatch>("""
            SELECT count(*) AS Events, coalesce(max(id), @through) AS Last
            FROM (SELECT id FROM outbox WHERE id > @through AND id < @firstYounger ORDER BY id LIMIT @limit) batch
            """, new { through, firstYounger, limit = AuditBatch }, transaction);
        if (batch.Events > 0)
        {
            await connection.ExecuteAsync("UPDATE outbox SET payload = '{}' WHERE id > @through AND id <= @last AND payload <> '{}'",
                new { through, last = batch.Last }, transaction);
            await connection.ExecuteAsync("UPDATE change_log_emptied SET through_id = @last WHERE id = 1", new { last = batch.Last }, transaction);
        }
        await transaction.CommitAsync();
        return (int)batch.Events;
    }

    private sealed class EmptiedBatch
    {
        public long Events { get; init; }
        public long Last { get; init; }
    }

    /// <summary>Up to <see cref="AuditBatch"/> idempotency keys kept since before <paramref name="before"/>, in one transaction.</summary>
    private async Task<int> RemoveIdempotencyKeysAsync(DateTimeOffset before)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var removed = await connection.ExecuteAsync(database.Provider == DatabaseProvider.Postgres
            ? """
              DELETE FROM idempotency_keys
              WHERE (actor_id, idempotency_key) IN (SELECT actor_id, idempotency_key FROM idempotency_keys WHERE created_at < @before LIMIT @limit)
              """
            : """
              DELETE FROM idempotency_keys
              WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE created_at < @before LIMIT @limit)
              """, new { before, limit = AuditBatch }, transaction);
        await transaction.CommitAsync();
        return removed;
    }

    /// <summary>Up to <see cref="RequestBatch"/> requests in one transaction (counted in RequestsReduced).</summary>
    private async Task<RetentionRun> ReduceRequestsAsync(string regionCode, DateTimeOffset closedBefore, DateTimeOffset now)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var due = (await connection.QueryAsync<DueRequest>("""
            SELECT r.id AS Id, r.case_reference AS CaseReference, r.birth_month AS BirthMonth,
                   coalesce(m.lat, g.lat) AS Lat, coalesce(m.lon, g.lon) AS Lon
            FROM requests r
            JOIN regions g ON g.code = r.region_code
            LEFT JOIN municipalities m ON m.id = r.municipality_id AND m.region_code = r.region_code
            WHERE r.region_code = @regionCode AND r.status IN ('placed', 'withdrawn') AND r.closed_at < @closedBefore AND r.reduced_at IS NULL
            ORDER BY r.id
            LIMIT @limit
            """, new { regionCode, closedBefore, limit = RequestBatch }, transaction)).ToList();
        int reduced = 0, holds = 0, redacted = 0;
        foreach (var request in due)
        {
            reduced += await connection.ExecuteAsync("""
                UPDATE requests
                SET case_reference = @caseReference, child_wishes = '', parent_wishes = '',
                    escalation_reason = CASE WHEN escalation_reason IS NULL THEN NULL ELSE @marker END,
                    birth_month = @birthYear, home_pc4 = '0000', home_lat = @lat, home_lon = @lon,
                    sibling_group = NULL, caseworker_id = NULL, reduced_at = @now, version = version + 1
                WHERE id = @id AND region_code = @regionCode AND reduced_at IS NULL
                """, new
                {
                    id = request.Id, regionCode, caseReference = $"{Marker} {request.Id}", marker = Marker,
                    birthYear = new DateOnly(request.BirthMonth.Year, 1, 1), lat = request.Lat, lon = request.Lon, now,
                }, transaction);
            holds += await connection.ExecuteAsync("""
                UPDATE holds SET decline_note = NULL, sibling_group = NULL
                WHERE request_id = @id AND region_code = @regionCode AND (decline_note IS NOT NULL OR sibling_group IS NOT NULL)
                """, new { id = request.Id, regionCode }, transaction);
            // What the caseworker and the network wrote about the child (information, why the urgency changed) goes with it.
            await connection.ExecuteAsync("DELETE FROM request_notes WHERE request_id = @id AND region_code = @regionCode",
                new { id = request.Id, regionCode }, transaction);
            var entries = await connection.QueryAsync<AuditEntry>("""
                SELECT id AS Id, action AS Action, detail AS Detail FROM audit_log
                WHERE region_code = @regionCode AND detail IS NOT NULL
                  AND ((subject_type = 'request' AND subject_id = @subject)
                    OR (subject_type = 'hold' AND subject_id IN (SELECT CAST(h.id AS TEXT) FROM holds h WHERE h.request_id = @id AND h.region_code = @regionCode))
                    OR (subject_type = 'placement' AND subject_id IN (SELECT CAST(p.id AS TEXT) FROM placements p WHERE p.request_id = @id AND p.region_code = @regionCode)))
                ORDER BY id
                """, new { regionCode, subject = request.Id.ToString(), id = request.Id }, transaction);
            foreach (var entry in entries)
            {
                if (Redacted(entry.Action, entry.Detail, request.CaseReference) is not { } detail) continue;
                redacted += await connection.ExecuteAsync("UPDATE audit_log SET detail = @detail WHERE id = @auditId AND region_code = @regionCode",
                    new { detail, auditId = entry.Id, regionCode }, transaction);
            }
        }
        await transaction.CommitAsync();
        return new RetentionRun(reduced, holds, redacted, 0);
    }

    /// <summary>
    /// An audit entry's detail without the case reference and the free text that followed a colon (an escalation's or a
    /// split's reason, a provider's note on a decline, a hold's reason outside the policy) or the sibling group's own code
    /// (a family's word, often its name); null when nothing in it needs to go.
    /// </summary>
    public static string? Redacted(string action, string detail, string caseReference)
    {
        var text = caseReference.Length > 0 ? detail.Replace(caseReference, Marker, StringComparison.Ordinal) : detail;
        text = action switch
        {
            "request-escalated" or "hold-declined" => CutAfter(text, ": "),
            "siblings-split" => $"group {Marker}: {Marker}",
            "hold-placed" => CutAfter(CutAfter(text, OfferingGrain.OutsidePolicyMark), OfferingGrain.OnBehalfMark),
            _ => text,
        };
        return text == detail ? null : text;
    }

    private static string CutAfter(string text, string mark) =>
        text.IndexOf(mark, StringComparison.Ordinal) is var at and >= 0 && text[(at + mark.Length)..] is var after && after != Marker
            ? text[..(at + mark.Length)] + Marker
            : text;

    /// <summary>Up to <see cref="AuditBatch"/> entries older than the audit retention, in one transaction.</summary>
    private async Task<int> RemoveAuditEntriesAsync(string? regionCode, DateTimeOffset before)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        // The audit log's trigger lets through only deletes of entries older than audit_log_purge.purge_before, set for this
        // transaction alone: it is cleared again before the commit.
        await connection.ExecuteAsync("UPDATE audit_log_purge SET purge_before = @before WHERE id = 1", new { before }, transaction);
        // The trigger also keeps every entry younger than 60 months by the database's own clock: the delete asks for none of
        // those, so a clock of this node ahead of the database's never makes the whole batch fail.
        var databaseFloor = database.Provider == DatabaseProvider.Postgres
            ? "now() - interval '60 months'"
            : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-60 months')";
        var removed = regionCode is null
            ? await connection.ExecuteAsync($"""
                DELETE FROM audit_log
                WHERE region_code IS NULL AND at < @before AND at < {databaseFloor}
                  AND id IN (SELECT id FROM audit_log WHERE region_code IS NULL AND at < @before AND at < {databaseFloor} ORDER BY id LIMIT @limit)
                """, new { before, limit = AuditBatch }, transaction)
            : await connection.ExecuteAsync($"""
                DELETE FROM audit_log
                WHERE region_code = @regionCode AND at < @before AND at < {databaseFloor}
                  AND id IN (SELECT id FROM audit_log WHERE region_code = @regionCode AND at < @before AND at < {databaseFloor} ORDER BY id LIMIT @limit)
                """, new { regionCode, before, limit = AuditBatch }, transaction);
        await connection.ExecuteAsync("UPDATE audit_log_purge SET purge_before = NULL WHERE id = 1", transaction: transaction);
        await transaction.CommitAsync();
        return removed;
    }

    private sealed class LastRun
    {
        public DateTimeOffset? At { get; init; }
    }

    private sealed class DueRequest
    {
        public Guid Id { get; init; }
        public string CaseReference { get; init; } = "";
        public DateOnly BirthMonth { get; init; }
        public double Lat { get; init; }
        public double Lon { get; init; }
    }

    private sealed class AuditEntry
    {
        public long Id { get; init; }
        public string Action { get; init; } = "";
        public string Detail { get; init; } = "";
    }
}
