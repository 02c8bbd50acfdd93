using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Matchmaker.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Foundation;

/// <summary>
/// In production mode no demo account exists: people and systems are added with the Silo's admin commands. Each test
/// starts from the demo database as a demo host's first start leaves it.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class AdminCommandTests
{
    [Fact]
    public async Task AUserAddedByTheAdminCommand_SignsInWithAPassword_AndATokenAddedByIt_CallsTheApi()
    {
        await using var test = await TestDatabase.CreateSeededAsync("sqlite");
        var environment = new Dictionary<string, string> { ["Database__Provider"] = "sqlite", ["ConnectionStrings__Matchmaker"] = test.ConnectionString };

        var user = await SiloProcess.RunAsync(["users", "add", "--email", "Bemiddelaar@Rijnmond.example", "--name", "Bemiddelaar", "--role", "desk", "--region", "rijnmond"],
            environment, stdin: "a long enough password");
        var token = await SiloProcess.RunAsync(["tokens", "add", "--name", "Regiosysteem", "--role", "desk", "--region", "rijnmond", "--scopes", "capacity:read"], environment);
        await using var production = new MatchmakerWebFactory(test, demo: false);
        var browser = production.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var signedIn = await SignIn.WithPasswordAsync(browser, "bemiddelaar@rijnmond.example", "a long enough password");
        // A desk sees children's data: the password leads to enrolment in two-step verification, which issues the session.
        var enrolled = await SecondStep.EnrolAsync(browser);
        var me = await browser.GetFromJsonAsync<Me>("/api/v1/me");
        var system = production.CreateClient();
        system.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Stdout.Trim());
        var availability = await system.GetAsync("/api/v1/regions/rijnmond/availability");

        Assert.Equal(0, user.Exit);
        Assert.Equal(0, token.Exit);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/account/enrol", signedIn.Headers.Location?.ToString());
        Assert.Contains("href=\"/tafel\"", await enrolled.Response.Content.ReadAsStringAsync());
        Assert.Equal("desk", me!.Role);
        Assert.Equal("rijnmond", me.RegionCode);
        Assert.Equal(HttpStatusCode.OK, availability.StatusCode);
    }

    [Theory]
    [InlineData("users add --email x@y.example --name X --role desk", "--region")]
    [InlineData("users add --email not-an-email --name X --role desk --region rijnmond", "e-mail")]
    [InlineData("users add --email x@y.example --name X --role pilot --region rijnmond", "--role must be one of")]
    [InlineData("tokens add --name P --role provider --scopes capacity:write", "--organisation")]
    [InlineData("tokens add --name D --role desk --region atlantis --scopes capacity:read", "does not exist")]
    [InlineData("tokens add --name D --role desk --region rijnmond", "--scopes is required")]
    [InlineData("tokens add --name D --role desk --region rijnmond --scopes everything", "'everything' is not a scope")]
    [InlineData("tokens add --name D --role desk --region rijnmond --scopes capacity:read --expires-days 5000", "--expires-days")]
    [InlineData("users add --email x@y.example --name X --role national --region rijnmond", "belongs to no region")]
    public async Task AdminCommands_WithBadInput_SayWhatIsWrong_ExitWith2_AndAddNothing(string command, string message)
    {
        await using var test = await TestDatabase.CreateSeededAsync("sqlite");
        var environment = new Dictionary<string, string> { ["Database__Provider"] = "sqlite", ["ConnectionStrings__Matchmaker"] = test.ConnectionString };

        var result = await SiloProcess.RunAsync(command.Split(' '), environment, stdin: "a long enough password");

        Assert.Equal(2, result.Exit);
        Assert.Contains(message, result.Stderr);
        await using var connection = await test.Database.OpenAsync();
        Assert.Equal(0L, await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT count(*) FROM users WHERE is_demo = false"));
        Assert.Equal(0L, await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT count(*) FROM api_clients WHERE is_demo = false"));
    }

    [Fact]
    public async Task TokensList_ShowsScopesAndExpiry_AndTokensRevoke_EndsATokenAtOnce()
    {
        await using var test = await TestDatabase.CreateSeededAsync("sqlite");
        var environment = new Dictionary<string, string> { ["Database__Provider"] = "sqlite", ["ConnectionStrings__Matchmaker"] = test.ConnectionString };
        var token = await SiloProcess.RunAsync(["tokens", "add", "--name", "Regiosysteem", "--role", "desk", "--region", "rijnmond", "--scopes", "capacity:read",
            "--expires-days", "30"], environment);
        var id = System.Text.RegularExpressions.Regex.Match(token.Stderr, "Token ([0-9a-f-]{36})").Groups[1].Value;
        await using var production = new MatchmakerWebFactory(test, demo: false);
        var system = production.CreateClient();
        system.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Stdout.Trim());
        var before = await system.GetAsync("/api/v1/regions/rijnmond/availability");

        var listed = await SiloProcess.RunAsync(["tokens", "list"], environment);
        var revoked = await SiloProcess.RunAsync(["tokens", "revoke", "--id", id], environment);
        var again = await SiloProcess.RunAsync(["tokens", "revoke", "--id", id], environment);
        var after = await system.GetAsync("/api/v1/regions/rijnmond/availability");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Contains("Regiosysteem [capacity:read]", listed.Stdout);
        Assert.Contains($"expires {DateTimeOffset.UtcNow.AddDays(30):yyyy-MM-dd}", listed.Stdout);
        Assert.Equal(0, revoked.Exit);
        Assert.Equal(2, again.Exit);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    private sealed record Me(Guid Id, string Kind, string Name, string Role, string? RegionCode, Guid? OrganisationId);
}
