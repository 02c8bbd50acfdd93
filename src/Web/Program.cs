using Matchmaker.Web.Api;
using Matchmaker.Web.Infrastructure;
using Matchmaker.Web.Live;

var builder = WebApplication.CreateBuilder(args);

if (!builder.TryAddMatchmakerEngine())
    return 1;
builder.AddMatchmakerAuthentication();
builder.AddMatchmakerOrganisationSignIn();
if (!builder.TryAddMatchmakerSecurityHeaders())
    return 1;
builder.Services.AddMatchmakerApi();
builder.Services.AddMatchmakerLiveUpdates();
builder.Services.AddMatchmakerHealthChecks();
builder.Services.AddMatchmakerOperations();
builder.Services.AddProblemDetails();
builder.Services.AddRazorPages(options =>
{
    options.Conventions.AuthorizeFolder("/Desk", Policies.Desk);
    options.Conventions.AuthorizeFolder("/Provider", Policies.Provider);
    options.Conventions.AuthorizeFolder("/Municipality", Policies.Municipality);
    options.Conventions.AuthorizeFolder("/Caseworker", Policies.Caseworker);
    options.Conventions.AuthorizeFolder("/Network", Policies.Network);
    options.Conventions.AuthorizeFolder("/National", Policies.National);
});

var app = builder.Build();

if (!await app.PrepareEngineAsync())
    return 1;

app.UseMatchmakerSecurityHeaders();
app.UseApiVersionHeader();
app.UseMatchmakerErrorPages();
app.UseStaticFiles();
app.UseCrossSiteRequestRefusal();
app.UseRouting();
app.UseMatchmakerDoors();
app.UseAuthentication();
app.UseAuthorization();

app.MapMatchmakerHealthChecks();
app.MapMatchmakerOperations();
app.MapAccountEndpoints();
app.MapOrganisationSignIn();
app.MapBackchannelLogout();
app.MapMatchmakerApi();
app.MapMatchmakerLiveUpdates();
app.MapRazorPages();

app.Run();
return 0;

/// <summary>The web host's entry point; public so the integration tests can start it.</summary>
public partial class Program;
