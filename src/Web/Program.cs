using Matchmaker.Web.Api;
using Matchmaker.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddMatchmakerData();
builder.AddMatchmakerAuthentication();
builder.Services.AddMatchmakerHealthChecks();
builder.Services.AddProblemDetails();
builder.Services.AddRazorPages();

var app = builder.Build();

if (!await app.PrepareDatabaseAsync())
    return 1;

app.UseMatchmakerErrorPages();
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();

app.MapMatchmakerHealthChecks();
app.MapAccountEndpoints();
app.MapMeApi();
app.MapRazorPages();
app.MapApiNotFound();

app.Run();
return 0;

/// <summary>The web host's entry point; public so the integration tests can start it.</summary>
public partial class Program;
