using System.Text.Json.Serialization;
using WebApi.Sample;

// ASP.NET Core minimal API, trimmed/AOT-friendly (slim builder + source-generated JSON).
// Built only; tests never run it.
var builder = WebApplication.CreateSlimBuilder(args);

builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonSerializerContext.Default);
});
builder.Services.AddSingleton<TodoStore>();

var app = builder.Build();

var todos = app.MapGroup("/todos");
todos.MapGet("/", (TodoStore store) => store.All());
todos.MapGet("/{id:int}", (int id, TodoStore store) =>
    store.Find(id) is { } todo ? Results.Ok(todo) : Results.NotFound());
todos.MapPost("/", (Todo todo, TodoStore store) =>
{
    Todo created = store.Add(todo);
    return Results.Created($"/todos/{created.Id}", created);
});
todos.MapDelete("/{id:int}", (int id, TodoStore store) =>
    store.Remove(id) ? Results.NoContent() : Results.NotFound());

app.MapGet("/health", () => new HealthStatus("ok", Environment.Version.ToString()));

app.Run();

namespace WebApi.Sample
{
    public sealed record Todo(int Id, string? Title, DateOnly? DueBy = null, bool IsComplete = false);

    public sealed record HealthStatus(string Status, string Runtime);

    public sealed class TodoStore
    {
        private readonly object _gate = new();
        private readonly List<Todo> _items = new()
        {
            new(1, "Walk the dog"),
            new(2, "Do the dishes", new DateOnly(2024, 1, 2)),
            new(3, "Do the laundry", new DateOnly(2024, 1, 3), true),
        };
        private int _nextId = 4;

        public Todo[] All() { lock (_gate) return _items.ToArray(); }

        public Todo? Find(int id) { lock (_gate) return _items.FirstOrDefault(t => t.Id == id); }

        public Todo Add(Todo todo)
        {
            lock (_gate)
            {
                Todo created = todo with { Id = _nextId++ };
                _items.Add(created);
                return created;
            }
        }

        public bool Remove(int id) { lock (_gate) return _items.RemoveAll(t => t.Id == id) > 0; }
    }

    [JsonSerializable(typeof(Todo))]
    [JsonSerializable(typeof(Todo[]))]
    [JsonSerializable(typeof(HealthStatus))]
    internal partial class AppJsonSerializerContext : JsonSerializerContext
    {
    }
}
