using System.Collections.Concurrent;
using Dapper;
using Matchmaker.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Security;

/// <summary>
/// One test identity provider (<see cref="TestIdentityProvider"/>) and, per database, the app on a copy of the seeded
/// demo market with that provider configured as <see cref="Name"/> for <see cref="Region"/>'s people (matched by
/// verified e-mail address too). Tests add people of their own, with fresh ids and addresses.
/// </summary>
public sealed class OrganisationSignInFixture : IAsyncLifetime
{
    public const string Name = "rijnmond-org";
    public const string Region = "rijnmond";
    public const string OtherRegion = "haaglanden";

    private readonly ConcurrentDictionary<string, Lazy<Task<(TestDatabase Database, MatchmakerWebFactory App)>>> _apps = new();

    public TestIdentityProvider Provider { get; private set; } = null!;

    public async Task InitializeAsync() => Provider = await TestIdentityProvider.StartAsync();

    public async Task<(TestDatabase Database, MatchmakerWebFactory App)> ForAsync(string provider)
    {
        var started = await _apps.GetOrAdd(provider, p => new Lazy<Task<(TestDatabase, MatchmakerWebFactory)>>(() => StartAsync(p))).Value;
        Provider.Next = null;
        return started;
    }

    private async Task<(TestDatabase, MatchmakerWebFactory)> StartAsync(string provider)
    {
        var database = await TestDatabase.CreateSeededAsync(provider);
        var app = new MatchmakerWebFactory(database, settings: Provider.SettingsFor(Name, Region, matchByEmail: true));
        return (database, app);
    }

    /// <summary>A browser on https://localhost (the provider's registered redirect URIs are there); redirects are not followed.</summary>
    public static HttpClient Browser(MatchmakerWebFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://localhost") });

    /// <summary>
    /// A person provisioned in Matchmaker: a local account without a password, of <paramref name="role"/> and
    /// <paramref name="region"/>, linked to <paramref name="subject"/> at the test provider unless null.
    /// </summary>
    public async Task<Guid> AddUserAsync(TestDatabase database, string email, string role, string region, string? subject, bool disabled = false)
    {
        var id = Guid.NewGuid();
        await using var connection = await database.Database.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, security_stamp, disabled_at)
            VALUES (@id, @email, 'Medewerker', @role, @region, NULL, NULL, false, @now, @stamp, @disabledAt)
            """, new { id, email, role, region, now = DateTimeOffset.UtcNow, stamp = Guid.NewGuid().ToString("N"), disabledAt = disabled ? DateTimeOffset.UtcNow : (DateTimeOffset?)null });
        if (subject is not null)
            await connection.ExecuteAsync("""
                INSERT INTO organisation_logins (issuer, subject, user_id, linked_by, linked_at) VALUES (@issuer, @subject, @id, 'command-line', @now)
                """, new { issuer = Provider.Issuer.ToString(), subject, id, now = DateTimeOffset.UtcNow });
        return id;
    }

    /// <summary>
    /// "Inloggen via uw organisatie" as a browser does it: Matchmaker sends it to the provider, the provider signs in
    /// <paramref name="person"/> and sends it back with a code; returns Matchmaker's answer to that callback.
    /// </summary>
    public async Task<HttpResponseMessage> SignInThroughProviderAsync(HttpClient browser, TestIdentityProvider.Person? person)
    {
        Provider.Next = person;
        var start = await browser.GetAsync($"/account/organisation/{Name}");
        if (start.Headers.Location is not { } authorize || !authorize.ToString().StartsWith(Provider.Issuer.ToString(), StringComparison.Ordinal))
            throw new InvalidOperationException($"Matchmaker answered {(int)start.StatusCode} {start.Headers.Location}, not a redirect to the provider.");
        using var atProvider = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var answer = await atProvider.GetAsync(authorize);
        if (answer.Headers.Location is not { } callback || !callback.ToString().StartsWith("https://localhost/signin-oidc/", StringComparison.Ordinal))
            throw new InvalidOperationException($"The provider answered {(int)answer.StatusCode} {answer.Headers.Location}, not a redirect back.");
        return await browser.GetAsync(callback.PathAndQuery);
    }

    public async Task DisposeAsync()
    {
        foreach (var started in _apps.Values.Where(a => a.IsValueCreated && a.Value.IsCompletedSuccessfully))
        {
            await started.Value.Result.App.DisposeAsync();
            await started.Value.Result.Database.DisposeAsync();
        }
        await Provider.DisposeAsync();
    }
}
