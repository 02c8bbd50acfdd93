using System.Runtime.CompilerServices;
using Dapper;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Market;

/// <summary>A region's part of the append-only audit log, as its desk and security officer read it; every read is itself recorded.</summary>
public sealed class AuditLog(Database database, Journal journal)
{
    public sealed class AuditEntry
    {
        public long Id { get; init; }
        public DateTimeOffset At { get; init; }
        public Guid? ActorId { get; init; }
        public string ActorKind { get; init; } = "";
        public string? Role { get; init; }
        public Guid? OrganisationId { get; init; }
        public string Action { get; init; } = "";
        public string SubjectType { get; init; } = "";
        public string? SubjectId { get; init; }
        public string? Detail { get; init; }
    }

    private const string SelectEntries = """
        SELECT id AS Id, at AS At, actor_id AS ActorId, actor_kind AS ActorKind, role AS Role, organisation_id AS OrganisationId,
               action AS Action, subject_type AS SubjectType, subject_id AS SubjectId, detail AS Detail
        FROM audit_log
        """;

    /// <summary>The newest entries of the region, newest first.</summary>
    public async Task<List<AuditEntry>> NewestAsync(Actor reader, string regionCode, int limit)
    {
        List<AuditEntry> entries;
        await using (var connection = await database.OpenAsync())
            entries = (await connection.QueryAsync<AuditEntry>(SelectEntries + " WHERE region_code = @regionCode ORDER BY id DESC LIMIT @limit",
                new { regionCode, limit })).ToList();
        // Reading the log shows who read which child: that read is itself recorded.
        await journal.AuditReadAsync(reader, "audit-read", "audit-log", null, regionCode, $"newest {limit}");
        return entries;
    }

    /// <summary>The region's entries from <paramref name="start"/> up to <paramref name="end"/>, oldest first, streamed; the export is recorded first.</summary>
    public async IAsyncEnumerable<AuditEntry> ExportAsync(Actor reader, string regionCode, DateOnly from, DateOnly to,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await journal.AuditReadAsync(reader, "audit-exported", "audit-log", null, regionCode, $"{from:yyyy-MM-dd}..{to:yyyy-MM-dd}");
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = connection.QueryUnbufferedAsync<AuditEntry>(SelectEntries + " WHERE region_code = @regionCode AND at >= @start AND at < @end ORDER BY id",
            new { regionCode, start, end });
        await foreach (var row in rows.WithCancellation(cancellationToken))
            yield return row;
    }
}
