using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Demo;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Matchmaker.Tests.Infrastructure;

/// <summary>
/// A fresh database for one test (or one shared fixture): a temporary SQLite file, or a new database on the PostgreSQL
/// server named by <c>MATCHMAKER_TEST_POSTGRES</c> (./test.sh starts a throwaway one). Empty, or with the small demo
/// market as a host's first start leaves it (<see cref="CreateSeededAsync"/>). A missing server fails the test.
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

    public static async Task<TestDatabase> CreateAsync(string provider) => await CreateAsync(provider, template: null);

    /// <summary>
    /// A fresh database with the small demo market in it, migrated and seeded exactly as a host's first start does
    /// (<see cref="DatabaseStartup"/>). The market is seeded once per provider and test run, into a template; every call
    /// gets a copy of it (SQLite: the file; PostgreSQL: <c>CREATE DATABASE ... TEMPLATE</c>), which takes milliseconds
    /// where seeding takes seconds. Tests of migrating and seeding themselves use <see cref="CreateAsync(string)"/>.
    /// </summary>
    public static async Task<TestDatabase> CreateSeededAsync(string provider)
    {
        var template = await Templates.GetOrAdd(provider, p => new Lazy<Task<string>>(() => SeedTemplateAsync(p))).Value;
        return await CreateAsync(provider, template);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<string>>> Templates = new();

    // PostgreSQL copies a template only while nobody else is connected to it: one copy at a time.
    private static readonly SemaphoreSlim TemplateCopies = new(1, 1);

    /// <summary>Seeds the demo market into a template database of its own; returns its file (SQLite) or name (PostgreSQL).</summary>
    private static async Task<string> SeedTemplateAsync(string provider)
    {
        var template = await CreateAsync(provider, template: null);
        using (var startup = new DatabaseStartup(template.Database, new DemoOptions(true, DemoScale.Small)))
            await startup.PrepareAsync(_ => { });
        if (provider == "sqlite")
        {
            // Everything out of the write-ahead log into the file, and no connection left open on it: then the file is the database.
            await using (var connection = new SqliteConnection(template.ConnectionString))
            {
                await connection.OpenAsync();
                await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            SqliteConnection.ClearAllPools();
            var file = new SqliteConnectionStringBuilder(template.ConnectionString).DataSource;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => template._cleanUp();
            return file;
        }
        await template.Database.DisposeAsync();
        var name = new NpgsqlConnectionStringBuilder(template.ConnectionString).Database!;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => template._cleanUp();
        return name;
    }

    private static async Task<TestDatabase> CreateAsync(string provider, string? template)
    {
        if (provider == "sqlite")
        {
            var file = Path.Combine(Path.GetTempPath(), $"matchmaker-test-{Guid.NewGuid():N}.db");
            if (template is not null) File.Copy(template, file);
            return new TestDatabase(provider, $"Data Source={file}", () =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
                    File.Delete(file + suffix);
            });
        }

        var server = ServerConnectionString;
        var name = $"mm_test_{Guid.NewGuid():N}";
        if (template is null)
        {
            await using var admin = new NpgsqlConnection(server);
            await admin.ExecuteAsync($"CREATE DATABASE {name}");
        }
        else
        {
            await TemplateCopies.WaitAsync();
            try
            {
                await using var admin = new NpgsqlConnection(server);
                await admin.ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {template}");
            }
            finally
            {
                TemplateCopies.Release();
            }
        }
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
