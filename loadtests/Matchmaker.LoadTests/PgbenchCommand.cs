using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Matchmaker.LoadTests;

/// <summary>
/// The floor under the API's cycles: pgbench runs only the SQL a hold-and-decline cycle must write (the conditional
/// update of the offering, the hold row, the audit entry and change-log rows; then the decline, the units back, audit,
/// change log) on the same tables of the same database, with as many clients. One pgbench transaction is one cycle.
/// </summary>
public static class PgbenchCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3 || !int.TryParse(args[1], out var clients) || clients is < 1 or > 512 || args[2] is not ("spread" or "hot"))
        {
            Console.Error.WriteLine("Usage: pgbench NPGSQL-CONNECTION-STRING CLIENTS spread|hot [SECONDS=20] [OFFERINGS=130]");
            return 2;
        }
        var seconds = args.Length > 3 ? int.Parse(args[3]) : 20;
        var pairs = args[2] == "hot" ? 1 : (args.Length > 4 ? int.Parse(args[4]) : 130);
        await using var bench = await PgbenchCycles.PrepareAsync(args[0], clients, pairs);
        if (await bench.RunAsync(seconds) is not { } run) return 1;
        Console.Out.WriteLine($"pgbench {args[2]} {clients} client(s), {pairs} offering(s): {run.CyclesPerSecond:0.0} cycles/s" +
            (run.AverageMs is { } average ? $", average cycle {average:0.0} ms" : ""));
        return 0;
    }
}

/// <summary>
/// pgbench ready to run the cycle's SQL on the same tables: the pairs it works on chosen and opened up; runs as often as
/// asked; the pairs' table dropped when disposed.
/// </summary>
public sealed partial class PgbenchCycles : IAsyncDisposable
{
    private static readonly string Payload = $"{{\"offeringId\":\"{Guid.Empty}\",\"careType\":\"residential-group\",\"freeUnits\":3,\"totalUnits\":12,\"lastConfirmedAt\":\"2026-11-23T12:00:00+00:00\",\"version\":42}}";

    private readonly NpgsqlConnectionStringBuilder _connection;
    private readonly int _clients;
    private readonly string _script;

    public sealed record Run(double CyclesPerSecond, double? AverageMs);

    private PgbenchCycles(NpgsqlConnectionStringBuilder connection, int clients, string script) =>
        (_connection, _clients, _script) = (connection, clients, script);

    public static async Task<PgbenchCycles> PrepareAsync(string connectionString, int clients, int pairs)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        await using (var db = new NpgsqlConnection(connection.ConnectionString))
        {
            await db.OpenAsync();
            await db.ExecuteAsync("""
                DROP TABLE IF EXISTS bench_pairs;
                CREATE TABLE bench_pairs AS
                SELECT row_number() OVER () - 1 AS n, o.id AS offering_id, r.id AS request_id
                FROM (SELECT id, row_number() OVER (ORDER BY id) AS k FROM offerings WHERE secure = false ORDER BY id LIMIT @pairs) o
                JOIN (SELECT id, row_number() OVER (ORDER BY id) AS k FROM requests ORDER BY id LIMIT @pairs) r ON r.k = o.k;
                UPDATE offerings SET total_units = occupied_units + held_units + @free, version = version + 1
                WHERE id IN (SELECT offering_id FROM bench_pairs);
                """, new { pairs, free = clients + 2 });
        }
        var script = Path.Combine(Path.GetTempPath(), $"matchmaker-cycle-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(script, Script(pairs));
        return new PgbenchCycles(connection, clients, script);
    }

    /// <summary>pgbench for <paramref name="seconds"/>; null (and pgbench's words on standard error) when it failed.</summary>
    public async Task<Run?> RunAsync(int seconds)
    {
        long before;
        await using (var db = new NpgsqlConnection(_connection.ConnectionString))
            before = await db.ExecuteScalarAsync<long>("SELECT coalesce(max(id), 0) FROM outbox");
        try
        {
            return await PgbenchAsync(seconds);
        }
        finally
        {
            // pgbench's change-log rows were never pushed: left in place, every node would read them back as changes it
            // missed (thousands per second of pgbench) and deliver them, during the API's next turn.
            await using var db = new NpgsqlConnection(_connection.ConnectionString);
            await db.ExecuteAsync("DELETE FROM outbox WHERE id > @before AND payload = @Payload", new { before, Payload });
        }
    }

    private async Task<Run?> PgbenchAsync(int seconds)
    {
        var start = new ProcessStartInfo(PgbenchPath()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-n", "-M", "prepared", "-c", _clients.ToString(), "-j", Math.Min(_clients, 2).ToString(), "-T", seconds.ToString(), "-f", _script })
            start.ArgumentList.Add(argument);
        start.Environment["PGHOST"] = _connection.Host;
        start.Environment["PGPORT"] = _connection.Port.ToString();
        start.Environment["PGUSER"] = _connection.Username;
        start.Environment["PGDATABASE"] = _connection.Database ?? _connection.Username;
        if (_connection.Password is { } password) start.Environment["PGPASSWORD"] = password;
        using var pgbench = Process.Start(start)!;
        var output = pgbench.StandardOutput.ReadToEndAsync();
        var errors = pgbench.StandardError.ReadToEndAsync();
        await pgbench.WaitForExitAsync();
        var tps = Tps().Match(await output);
        if (pgbench.ExitCode != 0 || !tps.Success)
        {
            Console.Error.WriteLine($"pgbench failed ({pgbench.ExitCode}):\n{await output}\n{await errors}");
            return null;
        }
        var latency = Latency().Match(await output);
        return new Run(double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture),
            latency.Success ? double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture) : null);
    }

    public async ValueTask DisposeAsync()
    {
        File.Delete(_script);
        await using var db = new NpgsqlConnection(_connection.ConnectionString);
        await db.ExecuteAsync("DROP TABLE IF EXISTS bench_pairs");
    }

    // The decline gives a unit back only where one is held: when the offering had no free unit (the API's turn just before
    // left it full), the hold took none, and an unconditional decrement broke the offering's check and aborted the run.
    private static string Script(int pairs) => $"""
        SELECT offering_id AS off, request_id AS req FROM bench_pairs WHERE n = :client_id % {pairs} \gset
        BEGIN;
        UPDATE offerings SET held_units = held_units + 1, version = version + 1 WHERE id = :off AND total_units - occupied_units - held_units >= 1;
        INSERT INTO holds (id, region_code, request_id, offering_id, status, created_at, expires_at) VALUES (gen_random_uuid(), 'rijnmond', :req, :off, 'active', now(), now() + interval '48 hours') RETURNING id AS hold \gset
        INSERT INTO audit_log (at, actor_kind, role, region_code, action, subject_type, subject_id, detail) VALUES (now(), 'api-client', 'desk', 'rijnmond', 'hold-placed', 'hold', :hold, 'request on offering');
        INSERT INTO outbox (region_code, topic, aggregate_id, aggregate_version, payload, created_at) VALUES ('rijnmond', 'holdChanged', :hold, 1, '{Payload}', now());
        INSERT INTO outbox (region_code, topic, aggregate_id, aggregate_version, payload, created_at) VALUES (NULL, 'proposalReceived', :hold, 1, '{Payload}', now());
        INSERT INTO outbox (region_code, topic, aggregate_id, aggregate_version, payload, created_at) VALUES (NULL, 'availabilityChanged', :off, 1, '{Payload}', now());
        END;
        BEGIN;
        UPDATE holds SET status = 'declined', answered_at = now(), decline_reason = 'no-capacity' WHERE id = :hold AND status = 'active';
        UPDATE offerings SET held_units = held_units - 1, version = version + 1 WHERE id = :off AND held_units > 0;
        INSERT INTO audit_log (at, actor_kind, role, region_code, action, subject_type, subject_id, detail) VALUES (now(), 'api-client', 'provider', 'rijnmond', 'hold-declined', 'hold', :hold, 'no-capacity');
        INSERT INTO outbox (region_code, topic, aggregate_id, aggregate_version, payload, created_at) VALUES ('rijnmond', 'holdChanged', :hold, 2, '{Payload}', now());
        INSERT INTO outbox (region_code, topic, aggregate_id, aggregate_version, payload, created_at) VALUES (NULL, 'availabilityChanged', :off, 2, '{Payload}', now());
        END;

        """;

    private static string PgbenchPath() =>
        Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "bin", "pgbench")).FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException("pgbench not found under /usr/lib/postgresql/*/bin (apt-get install -y postgresql).");

    [GeneratedRegex(@"tps = ([0-9.]+)")]
    private static partial Regex Tps();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex Latency();
}
