using Dapper;
using Matchmaker.Silo.Data;
using Npgsql;

namespace Matchmaker.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database for one test: a temporary SQLite file, or a new database on the PostgreSQL server
/// named by <c>MATCHMAKER_TEST_POSTGRES</c> (./test.sh starts a throwaway one). A missing server fails the test.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "MATCHMAKER_TEST_POSTGRES";

    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    private readonly Action _cleanUp;

    public string Provider { get; }
    public string ConnectionString { get; }
    public Database Database { get; }

    private TestDatabase(string provider, string connectionString, Action cleanUp)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _cleanUp = cleanUp;
        Database = provider == "sqlite" ? Database.ForSqlite(connectionString) : Database.ForPostgres(connectionString);
    }

    public static async Task<TestDatabase> CreateAsync(string provider)
    {
        if (provider == "sqlite")
        {
            var file = Path.Combine(Path.GetTempPath(), $"matchmaker-test-{Guid.NewGuid():N}.db");
            return new TestDatabase(provider, $"Data Source={file}", () =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
                    File.Delete(file + suffix);
            });
        }

        var server = ServerConnectionString;
        var name = $"mm_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(server))
            await admin.ExecuteAsync($"CREATE DATABASE {name}");
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(provider, builder.ConnectionString, () =>
        {
            NpgsqlConnection.ClearAllPools();
            using var admin = new NpgsqlConnection(server);
            admin.Execute($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        });
    }

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{PostgresVariable} is not set. Run the tests with ./test.sh, which starts a throwaway PostgreSQL, or point it at a server, e.g. Host=127.0.0.1;Port=5432;Username=postgres.");

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Database.OpenAsync();
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException("no value");
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Database.OpenAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).ToList();
    }

    public async Task ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await Database.OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        _cleanUp();
    }
}
