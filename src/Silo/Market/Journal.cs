using System.Data.Common;
using System.Text.Json;
using Dapper;
using Matchmaker.Silo.Data;
using Npgsql;

namespace Matchmaker.Silo.Market;

/// <summary>
/// What every change leaves behind, in the change's own transaction: an audit entry (append-only) and, for live
/// changes, a row in the change log (the outbox), both through a <see cref="ChangeRecord"/>; reads that must be
/// recorded write their audit entry directly. The caller pushes the returned changes to every node after commit;
/// the change log's sequence lets a node that missed a push find and re-read what it missed.
/// </summary>
public sealed class Journal(Database database, TimeProvider clock)
{
    public static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web);

    /// <summary>A record for one change, written and committed with <see cref="ChangeRecord.CommitAsync"/>.</summary>
    public ChangeRecord Record() => new(clock);

    /// <summary>A read of children's data, on a connection of its own: who saw which case references.</summary>
    public async Task AuditReadAsync(Actor actor, string action, string subjectType, string? subjectId, string? regionCode, string? detail)
    {
        await using var connection = await database.OpenAsync();
        await AuditAsync(connection, null, actor, action, subjectType, subjectId, regionCode, detail);
    }

    /// <summary>The children a list read showed, as a list entry's detail: their request ids, each once, comma-separated.</summary>
    public static string RequestIds(IEnumerable<Guid> requestIds) => string.Join(",", requestIds.Distinct());

    public Task AuditAsync(DbConnection connection, DbTransaction? transaction, Actor actor, string action, string subjectType,
        string? subjectId, string? regionCode, string? detail = null) =>
        Append(connection, transaction, actor, action, subjectType, subjectId, regionCode, detail, clock.GetUtcNow());

    /// <summary>One audit entry in the caller's transaction (the command line's changes use it without a host).</summary>
    public static async Task Append(DbConnection connection, DbTransaction? transaction, Actor actor, string action, string subjectType,
        string? subjectId, string? regionCode, string? detail, DateTimeOffset? at = null)
    {
        await connection.ExecuteAsync("""
            INSERT INTO audit_log (at, actor_id, actor_kind, role, organisation_id, region_code, action, subject_type, subject_id, detail)
            VALUES (@at, @actorId, @actorKind, @role, @organisationId, @regionCode, @action, @subjectType, @subjectId, @detail)
            """,
            new
            {
                at = at ?? DateTimeOffset.UtcNow, actorId = actor.Id, actorKind = actor.Kind, role = actor.Role, organisationId = actor.OrganisationId,
                regionCode, action, subjectType, subjectId, detail,
            },
            transaction);
    }
}

/// <summary>
/// A live change: topic, the thing changed and its version (clients drop older versions), the payload sent to
/// clients, and who receives it: the region's desks (<see cref="RegionCode"/>; all desks for availability) and the provider.
/// </summary>
public sealed record MarketEvent(string Topic, string? RegionCode, Guid? ProviderId, string AggregateId, long AggregateVersion, object Payload)
{
    public const string AvailabilityChanged = "availabilityChanged";
    public const string HoldChanged = "holdChanged";
    public const string ProposalReceived = "proposalReceived";
    public const string RequestChanged = "requestChanged";
}

/// <summary>A committed live change as every node receives it: its place in the change log, and the JSON payload for clients.</summary>
[GenerateSerializer, Immutable, Alias("mm.MarketChange")]
public sealed record MarketChange(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string Topic,
    [property: Id(2)] string? RegionCode,
    [property: Id(3)] Guid? ProviderId,
    [property: Id(4)] string AggregateId,
    [property: Id(5)] long AggregateVersion,
    [property: Id(6)] string Payload);

/// <summary>
/// What one change leaves behind (audit entries and live changes), collected while the change is judged and written
/// with the commit: two multi-row INSERTs sent in one round trip (one command on SQLite; on PostgreSQL one batch, see
/// ChangeRecordOnPostgres.cs). A change may put its own statements in that round trip too:
/// guards (a conditional UPDATE … RETURNING that must find its row, or the change is refused) and writes, in the order
/// given, before the audit and change-log rows. On PostgreSQL the COMMIT ends the same command, so the commit costs no
/// round trip of its own: each guard is wrapped to raise inside the database when it finds no row (migration 0028), which skips
/// every later statement and the COMMIT. On SQLite (in the process) a refused guard throws after the command, and the
/// transaction, never committed, undoes whatever the others wrote.
/// </summary>
public sealed partial class ChangeRecord(TimeProvider clock)
{
    /// <summary>The SQLSTATE of <c>matchmaker_guard_found</c>; its message is the guard's number in the command.</summary>
    private const string GuardFoundNoRow = "MMG01";

    private readonly List<(Actor Actor, string Action, string SubjectType, string? SubjectId, string? RegionCode, string? Detail)> _audit = [];
    private readonly List<MarketEvent> _events = [];
    private readonly List<(string Sql, object Parameters, Func<Exception>? Refusal)> _statements = [];

    /// <summary>A statement that must return a row (<c>UPDATE … WHERE version = … RETURNING …</c>); without one, <paramref name="refusal"/> is thrown.</summary>
    public void Guard(string sql, object parameters, Func<Exception> refusal) => _statements.Add((sql, parameters, refusal));

    /// <summary>A statement that returns no rows (an INSERT or UPDATE without RETURNING).</summary>
    public void Write(string sql, object parameters) => _statements.Add((sql, parameters, null));

    public void Audit(Actor actor, string action, string subjectType, string? subjectId, string? regionCode, string? detail = null) =>
        _audit.Add((actor, action, subjectType, subjectId, regionCode, detail));

    public void Publish(MarketEvent marketEvent) => _events.Add(marketEvent);

    /// <summary>
    /// Writes the entries in the caller's transaction and commits it; returns the live changes with their sequence
    /// numbers, for the push after commit. A refused guard throws its refusal and nothing is committed.
    /// </summary>
    public async Task<List<MarketChange>> CommitAsync(DbConnection connection, DbTransaction transaction)
    {
        var now = clock.GetUtcNow();
        var payloads = _events.Select(e => JsonSerializer.Serialize(e.Payload, e.Payload.GetType(), Journal.EventJson)).ToList();
        List<Logged> logged;
        if (connection is NpgsqlConnection postgres)
        {
            try
            {
                logged = await RunOnPostgresAsync(postgres, (NpgsqlTransaction)transaction, now, payloads);
            }
            catch (PostgresException refused) when (refused.SqlState == GuardFoundNoRow
                && int.TryParse(refused.MessageText, out var guard) && _statements[guard].Refusal is { } refusal)
            {
                throw refusal();
            }
        }
        else
        {
            logged = await RunOnSqliteAsync(connection, transaction, now, payloads);
            await transaction.CommitAsync();
        }
        var sequences = logged.ToDictionary(row => (row.Topic, row.AggregateId), row => row.Sequence);
        return _events.Select((e, i) => new MarketChange(sequences[(e.Topic, e.AggregateId)], e.Topic, e.RegionCode, e.ProviderId, e.AggregateId,
            e.AggregateVersion, payloads[i])).ToList();
    }

    /// <summary>SQLite (in the process): the change as one command of named parameters; its guards are read back after it.</summary>
    private async Task<List<Logged>> RunOnSqliteAsync(DbConnection connection, DbTransaction transaction, DateTimeOffset now, List<string> payloads)
    {
        var parameters = new DynamicParameters(new { now });
        var sql = new System.Text.StringBuilder();
        for (var i = 0; i < _statements.Count; i++)
            sql.Append(Numbered(_statements[i].Sql, _statements[i].Parameters, i, parameters)).Append(";\n");
        AppendAudit(sql, parameters);
        AppendEvents(sql, parameters, payloads);
        if (sql.Length == 0) return [];
        if (!ReturnsRows)
        {
            await connection.ExecuteAsync(sql.ToString(), parameters, transaction);
            return [];
        }
        await using var reader = await connection.ExecuteReaderAsync(sql.ToString(), parameters, transaction);
        return await ReadAsync(reader);
    }

    /// <summary>Whether the change's command returns rows to read (a guard's, or the change log's sequence numbers).</summary>
    private bool ReturnsRows => _events.Count > 0 || _statements.Any(statement => statement.Refusal is not null);

    private void AppendAudit(System.Text.StringBuilder sql, DynamicParameters parameters)
    {
        if (_audit.Count == 0) return;
        sql.Append(AuditInsert);
        for (var i = 0; i < _audit.Count; i++)
        {
            var (actor, action, subjectType, subjectId, regionCode, detail) = _audit[i];
            sql.Append(i == 0 ? "" : ", ").Append($"(@now, @actorId{i}, @actorKind{i}, @role{i}, @organisationId{i}, @region{i}, @action{i}, @subjectType{i}, @subjectId{i}, @detail{i})");
            parameters.Add($"actorId{i}", actor.Id);
            parameters.Add($"actorKind{i}", actor.Kind);
            parameters.Add($"role{i}", actor.Role);
            parameters.Add($"organisationId{i}", actor.OrganisationId);
            parameters.Add($"region{i}", regionCode);
            parameters.Add($"action{i}", action);
            parameters.Add($"subjectType{i}", subjectType);
            parameters.Add($"subjectId{i}", subjectId);
            parameters.Add($"detail{i}", detail);
        }
        sql.Append(";\n");
    }

    private void AppendEvents(System.Text.StringBuilder sql, DynamicParameters parameters, List<string> payloads)
    {
        if (_events.Count == 0) return;
        sql.Append(EventInsert);
        for (var i = 0; i < _events.Count; i++)
        {
            var e = _events[i];
            sql.Append(i == 0 ? "" : ", ").Append($"(@eventRegion{i}, @eventProvider{i}, @topic{i}, @aggregate{i}, @version{i}, @payload{i}, @now)");
            parameters.Add($"eventRegion{i}", e.RegionCode);
            parameters.Add($"eventProvider{i}", e.ProviderId);
            parameters.Add($"topic{i}", e.Topic);
            parameters.Add($"aggregate{i}", e.AggregateId);
            parameters.Add($"version{i}", e.AggregateVersion);
            parameters.Add($"payload{i}", payloads[i]);
        }
        sql.Append(EventReturning).Append(";\n");
    }

    private const string AuditInsert =
        "INSERT INTO audit_log (at, actor_id, actor_kind, role, organisation_id, region_code, action, subject_type, subject_id, detail) VALUES ";

    private const string EventInsert =
        "INSERT INTO outbox (region_code, provider_id, topic, aggregate_id, aggregate_version, payload, created_at) VALUES ";

    // Matched back by topic and thing: within one change each pair is there once.
    private const string EventReturning = " RETURNING id AS Sequence, topic AS Topic, aggregate_id AS AggregateId";

    /// <summary>
    /// Reads the command's results in order: each guard's rows (every statement with RETURNING or a SELECT is one result;
    /// the others yield none), then the change log's, then to the end, so an error in any statement (the COMMIT's too)
    /// surfaces here. A plain reader, not Dapper's multiple results: disposing those after an error cancels the command,
    /// which Npgsql does on a connection of its own.
    /// </summary>
    private async Task<List<Logged>> ReadAsync(DbDataReader reader)
    {
        Exception? refused = null;
        foreach (var (_, _, refusal) in _statements)
        {
            if (refusal is null) continue;
            if (!await reader.ReadAsync()) refused ??= refusal();
            await reader.NextResultAsync();
        }
        List<Logged> logged = [];
        if (_events.Count > 0)
        {
            var parse = reader.GetRowParser<Logged>();
            while (await reader.ReadAsync()) logged.Add(parse(reader));
        }
        while (await reader.NextResultAsync()) { }
        if (refused is not null) throw refused;
        return logged;
    }

    /// <summary>The statement with its parameters renamed <c>@name</c> → <c>@name_sN</c>, so the statements of one command never share a name.</summary>
    private static string Numbered(string sql, object values, int index, DynamicParameters into)
    {
        foreach (var property in values.GetType().GetProperties())
            into.Add($"{property.Name}_s{index}", property.GetValue(values));
        return ParameterName().Replace(sql, match => $"{match.Value}_s{index}");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![@\w])@\w+")]
    private static partial System.Text.RegularExpressions.Regex ParameterName();

    private sealed class Logged
    {
        public long Sequence { get; init; }
        public string Topic { get; init; } = "";
        public string AggregateId { get; init; } = "";
    }
}
