using System.Data.Common;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Matchmaker.Silo.Data;

/// <summary>One numbered SQL file of <c>db/migrations/{provider}/</c>, embedded in this assembly.</summary>
public sealed record Migration(int Version, string Name, string Sql, string Checksum);

public sealed record MigrationStatus(IReadOnlyList<int> Applied, IReadOnlyList<Migration> Pending, int LatestKnown)
{
    public bool IsCurrent => Pending.Count == 0;
}

/// <summary>A migration cannot be applied, or the database does not fit this code; the message says what to do.</summary>
public sealed class MigrationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Applies the numbered SQL files in order, each in its own transaction, and records version, name
/// and checksum in <c>schema_migrations</c>. Refuses a database whose applied files were changed
/// afterwards or that is newer than this code.
/// </summary>
public sealed class Migrator(Database database)
{
    // Any constant works; it only has to be the same for every node that migrates this database.
    private const long PostgresMigrationLockKey = 0x4D61_7463_686D_6B72;

    private const string CreateSqliteHistory = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            checksum   TEXT NOT NULL,
            applied_at TEXT NOT NULL
        ) STRICT
        """;

    private const string CreatePostgresHistory = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            checksum   text NOT NULL,
            applied_at timestamptz NOT NULL
        )
        """;

    public IReadOnlyList<Migration> Known { get; } = LoadEmbedded(database.Provider);

    public static IReadOnlyList<Migration> LoadEmbedded(DatabaseProvider provider)
    {
        var folder = provider == DatabaseProvider.Sqlite ? "sqlite" : "postgres";
        var prefix = $"migrations/{folder}/";
        var assembly = typeof(Migrator).Assembly;
        var migrations = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => Read(assembly, name, Path.GetFileNameWithoutExtension(name[prefix.Length..])))
            .OrderBy(m => m.Version)
            .ToList();
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new MigrationException($"Two migrations share number {duplicate.Key}: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        return migrations;
    }

    private static Migration Read(Assembly assembly, string resource, string name)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var sql = reader.ReadToEnd().Replace("\r\n", "\n");
        var number = name.Split('_', 2)[0];
        if (!int.TryParse(number, out var version))
            throw new MigrationException($"Migration file '{name}.sql' must start with its number, like 0002_add_something.sql.");
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
        return new Migration(version, name, sql, checksum);
    }

    public async Task<MigrationStatus> StatusAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await StatusAsync(connection, transaction: null);
    }

    /// <summary>Applies what is pending; returns the migrations it applied.</summary>
    public async Task<IReadOnlyList<Migration>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.Provider == DatabaseProvider.Postgres)
            // Several nodes may start at once; the first migrates, the others wait and then find nothing to do.
            await connection.ExecuteAsync("SELECT pg_advisory_lock(@key)", new { key = PostgresMigrationLockKey });
        try
        {
            await connection.ExecuteAsync(database.Provider == DatabaseProvider.Sqlite ? CreateSqliteHistory : CreatePostgresHistory);
            var status = await StatusAsync(connection, transaction: null);
            foreach (var migration in status.Pending)
                await ApplyAsync(connection, migration, cancellationToken);
            return status.Pending;
        }
        finally
        {
            if (database.Provider == DatabaseProvider.Postgres)
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = PostgresMigrationLockKey });
        }
    }

    private async Task ApplyAsync(DbConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        try
        {
            await connection.ExecuteAsync(migration.Sql, transaction: transaction);
        }
        catch (DbException e)
        {
            throw new MigrationException($"Migration {migration.Name} failed and was rolled back: {e.Message}", e);
        }
        await connection.ExecuteAsync(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@Version, @Name, @Checksum, @appliedAt)",
            new { migration.Version, migration.Name, migration.Checksum, appliedAt = DateTimeOffset.UtcNow },
            transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<MigrationStatus> StatusAsync(DbConnection connection, DbTransaction? transaction)
    {
        var latestKnown = Known.Count == 0 ? 0 : Known[^1].Version;
        var historyExists = await connection.ExecuteScalarAsync<long>(
            database.Provider == DatabaseProvider.Sqlite
                ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
                : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
            transaction: transaction) > 0;
        if (!historyExists)
            return new MigrationStatus([], Known, latestKnown);

        var applied = (await connection.QueryAsync<AppliedMigration>(
            "SELECT version AS Version, name AS Name, checksum AS Checksum FROM schema_migrations ORDER BY version",
            transaction: transaction)).ToList();
        var known = Known.ToDictionary(m => m.Version);
        foreach (var row in applied)
        {
            if (!known.TryGetValue(row.Version, out var migration))
                throw new MigrationException(
                    $"The database has migration {row.Name}, which this version of Matchmaker does not know (it knows up to {latestKnown:0000}): the database is newer than the code. Run the newer Matchmaker, or restore a backup that fits this version.");
            if (migration.Checksum != row.Checksum)
                throw new MigrationException(
                    $"Migration {row.Name} was changed after it was applied to this database (checksum differs). Restore the file as it was and put the change in a new numbered migration.");
        }
        var appliedVersions = applied.Select(a => a.Version).ToHashSet();
        return new MigrationStatus(applied.Select(a => a.Version).ToList(), Known.Where(m => !appliedVersions.Contains(m.Version)).ToList(), latestKnown);
    }

    private sealed class AppliedMigration
    {
        public int Version { get; init; }
        public string Name { get; init; } = "";
        public string Checksum { get; init; } = "";
    }
}
