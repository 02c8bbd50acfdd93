namespace Matchmaker.Web.Infrastructure;

public static class ErrorPagesExtensions
{
    /// <summary>The API and the live hub answer systems: status codes and ProblemDetails, never a page or a redirect.</summary>
    public static bool ForMachines(HttpContext context) => context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs");

    /// <summary>Pages get a readable Dutch error page; API routes and the live hub get ProblemDetails.</summary>
    public static void UseMatchmakerErrorPages(this WebApplication app)
    {
        app.UseWhen(ForMachines, api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });
        app.UseWhen(context => !ForMachines(context), pages =>
        {
            if (!app.Environment.IsDevelopment())
                pages.UseExceptionHandler("/status/500");
            pages.UseStatusCodePagesWithReExecute("/status/{0}");
        });
    }
}
