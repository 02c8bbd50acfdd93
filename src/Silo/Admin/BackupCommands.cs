using System.Diagnostics;
using Dapper;
using Matchmaker.Silo.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using static Matchmaker.Silo.Admin.AdminCommands;

namespace Matchmaker.Silo.Admin;

/// <summary>
/// <c>backup PATH</c>: a consistent copy of the embedded database while Matchmaker runs (SQLite's online backup, which
/// copies one snapshot even while others write). <c>restore PATH</c>: puts a checked backup back, only while no
/// Matchmaker runs on the database; the database it replaces is kept beside it. PostgreSQL: pg_dump (docs/operations.md).
/// </summary>
internal static class BackupCommands
{
    public static async Task<int> BackupAsync(string[] args, IConfiguration configuration)
    {
        if (args.Length != 1 || args[0].StartsWith("--", StringComparison.Ordinal)) return Fail("Usage: backup PATH (a new file).");
        var target = Path.GetFullPath(args[0]);
        await using var database = Database.FromConfiguration(configuration);
        if (database.SqliteFile is not { } source) return PostgresHint(database);
        if (!File.Exists(source)) return Fail($"{database.Describe} does not exist.");
        if (File.Exists(target)) return Fail($"{target} exists already; choose a new file.");
        var watch = Stopwatch.StartNew();
        await CopyAsync(source, target);
        if (await CheckAsync(target) is { } problem)
        {
            File.Delete(target);
            return Fail($"The backup did not check out ({problem}); nothing was written.");
        }
        Console.Out.WriteLine($"Backed up {database.Describe} to {target} ({new FileInfo(target).Length / 1024.0 / 1024.0:0.0} MB, {watch.Elapsed.TotalSeconds:0.0} s).");
        return 0;
    }

    public static async Task<int> RestoreAsync(string[] args, IConfiguration configuration)
    {
        if (args.Length != 1 || args[0].StartsWith("--", StringComparison.Ordinal)) return Fail("Usage: restore PATH (a file made by backup).");
        var backup = Path.GetFullPath(args[0]);
        if (!File.Exists(backup)) return Fail($"{backup} does not exist.");
        await using var database = Database.FromConfiguration(configuration);
        if (database.SqliteFile is not { } live) return PostgresHint(database);
        if (await CheckAsync(backup) is { } problem) return Fail($"{backup} is not a Matchmaker backup that checks out: {problem}.");
        using var running = EmbeddedDatabaseLock.TryAcquire(live);
        if (running is null) return Fail($"Matchmaker is running on {database.Describe}: stop it first, then restore.");
        var kept = $"{live}.before-restore-{DateTime.UtcNow:yyyyMMddTHHmmss}";
        SqliteConnection.ClearAllPools();
        if (File.Exists(live)) await CopyAsync(live, kept);
        // Through SQLite itself, so its own journal files stay in step with the restored pages.
        await CopyAsync(backup, live);
        Console.Out.WriteLine($"Restored {backup} into {database.Describe}{(File.Exists(kept) ? $"; the database it replaced is kept as {kept}" : "")}.");
        return 0;
    }

    /// <summary>SQLite's online backup: one consistent snapshot of <paramref name="from"/>, even while others write to it.</summary>
    private static async Task CopyAsync(string from, string to)
    {
        await using var source = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = from, Mode = SqliteOpenMode.ReadOnly, DefaultTimeout = 30, Pooling = false }.ToString());
        await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = to, Pooling = false }.ToString());
        await source.OpenAsync();
        await target.OpenAsync();
        // The copy takes a read lock on the source, which a running Matchmaker's checkpoint can hold off for a moment
        // (CI once: "database is locked" under write load). Microsoft.Data.Sqlite retries its commands but not a backup,
        // and sets no busy handler: SQLite's own waits up to 30 s, and a copy still refused is started again.
        await source.ExecuteAsync("PRAGMA busy_timeout = 30000");
        await target.ExecuteAsync("PRAGMA busy_timeout = 30000");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                source.BackupDatabase(target);
                return;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6 && attempt < 5)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }

    /// <summary>Null when the file is a sound SQLite database with Matchmaker's schema no newer than this code; else what is wrong.</summary>
    private static async Task<string?> CheckAsync(string file)
    {
        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await connection.OpenAsync();
            var integrity = await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check");
            if (integrity != "ok") return $"integrity check: {integrity}";
            var version = await connection.ExecuteScalarAsync<long?>("SELECT max(version) FROM schema_migrations");
            var known = Migrator.LoadEmbedded(DatabaseProvider.Sqlite).Max(m => m.Version);
            return version is null ? "no migrations recorded" : version > known ? $"schema {version} is newer than this Matchmaker ({known})" : null;
        }
        catch (SqliteException e)
        {
            return e.Message;
        }
    }

    private static int PostgresHint(Database database) =>
        Fail($"{database.Describe} is PostgreSQL: use pg_dump / pg_restore or point-in-time recovery (docs/operations.md, Backups).");
}
