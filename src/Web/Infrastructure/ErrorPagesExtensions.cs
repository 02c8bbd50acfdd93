namespace Matchmaker.Web.Infrastructure;

public static class ErrorPagesExtensions
{
    /// <summary>Pages get a readable Dutch error page; API routes get ProblemDetails.</summary>
    public static void UseMatchmakerErrorPages(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api"), pages =>
        {
            if (!app.Environment.IsDevelopment())
                pages.UseExceptionHandler("/status/500");
            pages.UseStatusCodePagesWithReExecute("/status/{0}");
        });
    }
}
