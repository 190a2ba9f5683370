# Conduit's in-sandbox SDK for Python. Evaluated once per context while it is made ahead: it defines
# __conduit_install, which receives the host's two functions (the tool bridge, and one that answers the manifest:
# JSON data, never code), puts `tools` and `ToolError` in the program's globals, removes itself, and returns the
# runner. The host functions stay in closures only. The namespaces are built from the manifest on first use.
# Imported while the context is made ahead, not when a program runs: a first import in a fresh context is costly.
import ast as __conduit_ast
import json as __conduit_json


def __conduit_install(bridge, manifest, _ast=__conduit_ast, _json=__conduit_json):
    _globals = globals()
    _state = {"async": False}

    class ToolError(Exception):
        """A tool call that failed: .tool, .code and .message say which, how and why."""

        def __init__(self, tool, code, message):
            super().__init__(message)
            self.tool = tool
            self.code = code
            self.message = message

    class _Done:
        """An already-finished call, so that `await tools.x.y()` works as well as `tools.x.y()`."""

        __slots__ = ("_value",)

        def __init__(self, value):
            self._value = value

        def __await__(self):
            return self._value
            yield  # makes this a generator that finishes at once

    def _call(name, args, kwargs):
        if args is None:
            args = {}
        if not isinstance(args, dict):
            raise ToolError(name, -32602, "Tool arguments must be a dict or keyword arguments")
        merged = dict(args)
        merged.update(kwargs)
        answer = _json.loads(bridge(name, _json.dumps(merged, separators=(",", ":"))))
        if "error" in answer:
            raise ToolError(name, answer["error"].get("code"), answer["error"].get("message"))
        value = answer.get("value")
        return _Done(value) if _state["async"] else value

    def _binding(name):
        def call(args=None, **kwargs):
            return _call(name, args, kwargs)
        call.__name__ = "tool"
        return call

    class _Namespace:
        __slots__ = ("_name", "_tools")

        def __init__(self, name, tools):
            object.__setattr__(self, "_name", name)
            object.__setattr__(self, "_tools", tools)

        def __getattr__(self, item):
            tools = object.__getattribute__(self, "_tools")
            if item in tools:
                return tools[item]
            raise AttributeError("Tool '%s' not found in %s. Available: %s"
                                 % (item, object.__getattribute__(self, "_name"), ", ".join(sorted(tools))))

        def __getitem__(self, item):
            return self.__getattr__(item)

        def __setattr__(self, key, value):
            raise AttributeError("tools are read-only")

        def __dir__(self):
            return sorted(object.__getattribute__(self, "_tools"))

    _built = []

    def _namespaces():
        if not _built:
            namespaces = {}
            for tool in _json.loads(manifest()):
                space = namespaces.setdefault(tool["namespace"], {})
                binding = _binding(tool["name"])
                space[tool["local"]] = binding
                space[tool.get("python", tool.get("identifier", tool["local"]))] = binding
            _built.append(namespaces)
        return _built[0]

    class _Tools:
        __slots__ = ()

        def __getattr__(self, item):
            namespaces = _namespaces()
            if item in namespaces:
                return _Namespace(item, namespaces[item])
            raise AttributeError("Namespace or tool '%s' not found. Available namespaces: %s. "
                                 "Use tools.raw(name, args) for dynamic calls." % (item, ", ".join(sorted(namespaces))))

        def __getitem__(self, item):
            return self.__getattr__(item)

        def __setattr__(self, key, value):
            raise AttributeError("tools are read-only")

        def __dir__(self):
            return sorted(_namespaces())

        def raw(self, name, args=None, **kwargs):
            return _call(str(name), args, kwargs)

    _globals["tools"] = _Tools()
    _globals["ToolError"] = ToolError
    del _globals["__conduit_install"]
    _globals.pop("__conduit_ast", None)
    _globals.pop("__conduit_json", None)

    def _await(value):
        # What a top-level `await value` means here: our calls are already finished; coroutines run to their end.
        if isinstance(value, _Done):
            return value._value
        if hasattr(value, "send") and hasattr(value, "throw"):
            try:
                while True:
                    value.send(None)
            except StopIteration as done:
                return done.value
        return value

    _globals["__conduit_await__"] = _await

    def _top_level_awaits(tree):
        found = []

        def visit(node):
            if isinstance(node, (_ast.FunctionDef, _ast.AsyncFunctionDef, _ast.Lambda, _ast.ClassDef)):
                return
            if isinstance(node, _ast.Await):
                found.append(node)
            for child in _ast.iter_child_nodes(node):
                visit(child)

        for statement in tree.body:
            visit(statement)
        return found

    def _offset(lines, line, column):
        # ast columns count UTF-8 bytes; the text is indexed by characters.
        return sum(len(l) + 1 for l in lines[:line - 1]) + len(lines[line - 1].encode("utf-8")[:column].decode("utf-8"))

    def run(code):
        """Runs the program; a trailing expression is its result. Top-level await is allowed."""
        tree = _ast.parse(code, "<main>", "exec")
        _state["async"] = any(isinstance(node, (_ast.Await, _ast.AsyncFor, _ast.AsyncWith))
                              for node in _ast.walk(tree))
        awaits = _top_level_awaits(tree)
        if awaits:
            # GraalPy compiles no top-level await: `await x` at the top becomes `__conduit_await__(x)`, edited in
            # the text from the end backwards so that every other line and column stays the program's own.
            lines = code.split("\n")
            edits = []
            for node in awaits:
                start = _offset(lines, node.lineno, node.col_offset)
                end = _offset(lines, node.end_lineno, node.end_col_offset)
                edits.append((end, 0, ")"))
                edits.append((start, 5, "__conduit_await__("))
            for position, length, text in sorted(edits, key=lambda edit: edit[0], reverse=True):
                code = code[:position] + text + code[position + length:]
            tree = _ast.parse(code, "<main>", "exec")
        if tree.body and isinstance(tree.body[-1], _ast.Expr):
            # The last expression becomes an assignment, written into the text at the same place so that line
            # numbers in errors stay the program's own.
            last = tree.body[-1]
            lines = code.split("\n")
            line = lines[last.lineno - 1]
            lines[last.lineno - 1] = line[:last.col_offset] + "__conduit_result__ = " + line[last.col_offset:]
            code = "\n".join(lines)
        exec(compile(code, "<main>", "exec"), _globals)
        result = _globals.pop("__conduit_result__", None)
        if result is None:
            return None
        if isinstance(result, _Done):
            result = result._value
        try:
            # Compact, like JSON.stringify in the JS engines; NaN and Infinity are not JSON, so no result.
            return _json.dumps(result, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):
            return None

    return run
