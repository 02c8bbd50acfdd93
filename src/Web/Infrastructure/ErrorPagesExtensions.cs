namespace Matchmaker.Web.Infrastructure;

public static class ErrorPagesExtensions
{
    /// <summary>Pages get a readable Dutch error page; API routes and the live hub get ProblemDetails.</summary>
    public static void UseMatchmakerErrorPages(this WebApplication app)
    {
        static bool ForMachines(HttpContext context) => context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs");
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
