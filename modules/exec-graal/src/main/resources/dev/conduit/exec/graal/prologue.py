# Conduit's in-sandbox SDK for Python. Evaluated once per context while it is made ahead: it defines
# __conduit_install, which receives the host's functions (the tool bridge, one that answers the manifest, one
# that discovers tools: data, never code, one that says how many bytes the memory limit leaves, and three for calls that
# overlap: one that notes a call, one that begins the noted calls and answers those that answered, one that waits for
# an answer; and one that writes a time zone's TZif data for zoneinfo), puts `tools`, `discover_mcp_tools` and `ToolError` in the program's
# globals, removes itself, and returns the runner. The host functions stay in closures only. The namespaces are built from the manifest on first use.
# It imports only built-in modules: _ast (which GraalPy needs before compile can answer syntax trees) and _json
# (GraalPy's own JSON scanner and string encoder, 2 ms): in a fresh GraalPy context `import json` costs more than making
# the context (175-220 ms, most of it the regular expressions it compiles), and `import ast` a third of that. Programs
# are parsed with compile(..., PyCF_ONLY_AST) and nodes told apart by their class names; values cross as JSON both
# ways, read by _json's scanner (data only) and written by its encoder.
import _ast as __conduit_ast_module
import sys as __conduit_sys_module
from _collections_abc import Coroutine as __conduit_coroutine


def __conduit_refusals(sys):
    """Puts what the sandbox refuses in the form Python programs expect, in the modules a program imports them from.

    GraalPy answers some refusals with the host's exception instead of what CPython code expects: os.getcwd() raised
    a SecurityException, so os.path.abspath of a relative path, pathlib's cwd and resolve, and the import of sysconfig
    and site (hence zoneinfo, multiprocessing), which call it, failed; os.chdir, os.access and os.system raised it too,
    starting a thread an IllegalStateException and os._exit a ThreadDeath. Its pwd module answered with the server's
    user and home directory (getpass.getuser(), os.path.expanduser). These stand in: a process whose working
    directory is the root of a file system it can neither read nor change, with one thread and no user database.
    What they replace stays denied underneath, so a program that digs the originals out meets the same refusal.

    Facts of the host a program has no use for are not told either, as Deno's runner hides them: the server's
    process id (os.getpid(); os.getppid() raised UnsupportedOperation), the kernel's release (os.uname()), and the
    server's CPU time and peak memory (time.process_time(), resource.getrusage(): every program's and tenant's work
    summed, a signal of what others run). The process is 1, its parent 0, and its CPU clocks count the program's own
    time from its start (the thread's, which earlier programs on the same thread ran up too). Returns the function
    that starts those clocks, for the program's start.
    """
    import posix
    import _thread
    import pwd

    def denied(name, names_a_path):
        def refuse(*args, **kwargs):
            if names_a_path and args:
                raise PermissionError(1, "Operation not permitted", args[0])  # 1: EPERM, as for open() and listdir()
            raise PermissionError(1, "Operation not permitted")
        refuse.__name__ = name
        return refuse

    def access(path, mode, **kwargs):
        return False  # no file is reachable

    def start_new_thread(*args, **kwargs):
        raise RuntimeError("can't start new thread: a sandboxed program runs on one thread")

    def exit_now(status):
        raise SystemExit(status)

    def no_user(key):
        raise KeyError("no user database in the sandbox: %r" % (key,))

    def getcwd():
        return "/"

    import time
    import resource
    thread_time_ns = time.thread_time_ns
    origin = [thread_time_ns()]

    def start_clocks():
        origin[0] = thread_time_ns()

    def cpu_ns():
        return thread_time_ns() - origin[0]

    def getrusage(who):
        if who not in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN, getattr(resource, "RUSAGE_THREAD", -1)):
            raise ValueError("invalid who parameter")
        used = cpu_ns() / 1e9 if who != resource.RUSAGE_CHILDREN else 0.0
        return resource.struct_rusage((used, 0.0) + (0,) * 14)

    system = posix.uname()
    bare_uname = type(system)((system[0], "", "", "", system[4]))

    def getcwdb():
        return b"/"

    replaced = {
        posix: {"getcwd": getcwd, "getcwdb": getcwdb,
                "chdir": denied("chdir", True), "fchdir": denied("fchdir", True), "access": access,
                "system": denied("system", False), "_exit": exit_now},
        _thread: {"start_new_thread": start_new_thread, "start_new": start_new_thread},
        pwd: {"getpwuid": no_user, "getpwnam": no_user, "getpwall": lambda: []},
        time: {"process_time": lambda: cpu_ns() / 1e9, "process_time_ns": cpu_ns,
               "thread_time": lambda: cpu_ns() / 1e9, "thread_time_ns": cpu_ns},
        resource: {"getrusage": getrusage},
    }
    replaced[posix].update({"getpid": lambda: 1, "getppid": lambda: 0, "uname": lambda: bare_uname})
    os = sys.modules.get("os")  # imported at start, its functions copied from posix
    # exit() and quit(), which CPython's site module puts in builtins and GraalPy's context has not: a program that
    # ends with them is common, and met a NameError.
    import builtins

    class Quitter:
        def __init__(self, name):
            self.name = name

        def __repr__(self):
            return "Use %s() to exit" % self.name

        def __call__(self, code=None):
            raise SystemExit(code)

    for name in ("exit", "quit"):
        if not hasattr(builtins, name):
            setattr(builtins, name, Quitter(name))
    for module, functions in replaced.items():
        for name, function in functions.items():
            if hasattr(module, name):
                setattr(module, name, function)
                if module is posix and os is not None and hasattr(os, name):
                    setattr(os, name, function)
    return start_clocks


def __conduit_install(bridge, manifest, discover, room, start, answered, idle, tzif):
    _globals = globals()
    _sys = _globals.pop("__conduit_sys_module")
    _Coroutine = _globals.pop("__conduit_coroutine")
    try:
        # GraalPy's home is a directory under the server's own home: the program learns nothing from it, and imports
        # do not read it once the context is up (they use sys.path).
        import __graalpython__
        __graalpython__.home = "<graalpy>"
    except Exception:
        pass
    _start_clocks = _globals.pop("__conduit_refusals")(_sys)
    _prefix = _sys.prefix
    _only_ast = 0x400  # ast.PyCF_ONLY_AST
    from _collections import deque as _deque
    import _json
    from _string import formatter_parser as _formatter_parser

    def _children(node):
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                for item in value:
                    if hasattr(item, "_fields"):
                        yield item
            elif hasattr(value, "_fields"):
                yield value

    def _walk(node):
        pending = [node]
        while pending:
            current = pending.pop()
            yield current
            pending.extend(_children(current))

    def _kind(node):
        return type(node).__name__

    class _ScanSettings:
        """What _json's scanner reads from the json module's decoder: JSON as it is, nothing called but int and
        float."""
        strict = True
        object_hook = None
        object_pairs_hook = None
        parse_float = float
        parse_int = int
        memo = {}

        @staticmethod
        def parse_constant(name):
            raise ValueError(name + " is not JSON")

    # Captured now: a program that replaces _json's functions only confuses itself.
    _scan = _json.make_scanner(_ScanSettings())
    _encode = _json.encode_basestring
    _make_encoder = _json.make_encoder

    def _parse(text):
        """The value of JSON text from the host. The literal text it once sent, read back through compile's syntax
        trees, took 0.4 ms for a small answer (the scanner 0.02-0.1 ms) and more than 256 MB for 20,000 records."""
        try:
            value, end = _scan(text, 0)
        finally:
            _ScanSettings.memo.clear()
        if end != len(text):
            raise ValueError("more than one JSON value from the host")
        return value

    def _not_json(value):
        raise TypeError("not JSON: " + type(value).__name__)

    def _dumps(item):
        """Compact JSON, like JSON.stringify in the JS engines; NaN, Infinity, circular values and other types raise.
        Written by _json's encoder: the same in Python took about 4 s of CPU time for 50,000 records (this 0.3 s), and
        escaped 6 MB of text in 5.6 s (this 0.1 s). An encoder keeps the values it is inside of, so one per value."""
        return "".join(_make_encoder({}, _not_json, _encode, None, ":", ",", False, False, False)(item, 0))

    class ToolError(Exception):
        """A tool call that failed: .tool, .code and .message say which, how and why."""

        def __init__(self, tool, code, message):
            super().__init__(message)
            self.tool = tool
            self.code = code
            self.message = message

    class _Done:
        """A plain value made awaitable: every `await x` in a program awaits __conduit_awaitable__(x), so the SDK's
        calls return plain values and `await tools.x.y()` works as well as `tools.x.y()`, in any mix."""

        __slots__ = ("_value",)

        def __init__(self, value):
            self._value = value

        def __await__(self):
            return self._value
            yield  # makes this a generator that finishes at once

    class _Finished:
        """A tool call's value, finished when it is returned: `await` gives it back, and asyncio takes it for a
        coroutine that is done (gather, create_task, wait_for), as it took the original's calls, which were coroutines.
        Dicts, lists and strings, the values calls return, are given it by a subclass of their own."""

        __slots__ = ()

        def __await__(self):
            return self
            yield  # makes this a generator that finishes at once

        def send(self, value):
            raise StopIteration(self)

        def throw(self, kind, value=None, traceback=None):
            raise kind if value is None else value

        def close(self):
            pass

    class _FinishedDict(_Finished, dict):
        __slots__ = ()
        __hash__ = object.__hash__  # asyncio.gather keys its arguments by them

    class _FinishedList(_Finished, list):
        __slots__ = ()
        __hash__ = object.__hash__

    class _FinishedStr(_Finished, str):
        __slots__ = ()

    _finished_kinds = {dict: _FinishedDict, list: _FinishedList, str: _FinishedStr}
    for _kind_of_value in _finished_kinds.values():
        _Coroutine.register(_kind_of_value)

    def _finished(value):
        kind = _finished_kinds.get(type(value))
        return value if kind is None else kind(value)

    def _arguments(name, args, kwargs):
        if args is None:
            args = {}
        if not isinstance(args, dict):
            raise ToolError(name, -32602, "Tool arguments must be a dict or keyword arguments")
        merged = dict(args)
        merged.update(kwargs)
        return _dumps(merged)

    def _value(name, answer):
        if "error" in answer:
            raise ToolError(name, answer["error"].get("code"), answer["error"].get("message"))
        return _finished(answer.get("value"))

    def _call(name, args, kwargs):
        return _value(name, _parse(bridge(name, _arguments(name, args, kwargs))))

    def _binding(name):
        def call(args=None, **kwargs):
            return _call(name, args, kwargs)
        call.__name__ = "tool"
        call._conduit_tool = name
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
            raise AttributeError("Tool '%s' not found in namespace '%s'. Available tools: %s. "
                                 "Use tools.raw(name, args) for dynamic calls."
                                 % (item, object.__getattribute__(self, "_name"), ", ".join(tools)))

        def __getitem__(self, item):
            return self.__getattr__(item)

        def __setattr__(self, key, value):
            raise AttributeError("tools are read-only")

        def __dir__(self):
            return sorted(object.__getattribute__(self, "_tools"))

        def __repr__(self):
            return "<tools.%s: %s>" % (object.__getattribute__(self, "_name"),
                                       ", ".join(object.__getattribute__(self, "_tools")))

    _built = []

    def _namespaces():
        if not _built:
            namespaces = {}
            for tool in _parse(manifest()):
                space = namespaces.setdefault(tool["namespace"], {})
                binding = _binding(tool["name"])
                space[tool["local"]] = binding
                space[tool.get("python", tool.get("identifier", tool["local"]))] = binding
            _built.append(namespaces)
        return _built[0]

    _hint = "Use tools.raw(name, args) for dynamic calls."

    class _Tools:
        """tools.<namespace>.<tool>(args or **kwargs), tools.<tool>(...) when one namespace has it, tools.raw(name)."""
        __slots__ = ()

        def __getattr__(self, item):
            namespaces = _namespaces()
            if item in namespaces:
                return _Namespace(item, namespaces[item])
            owners = [name for name in namespaces if item in namespaces[name]]
            if len(owners) == 1:
                return namespaces[owners[0]][item]
            if owners:
                raise AttributeError("Tool '%s' is in more than one namespace: %s. Name the namespace."
                                     % (item, ", ".join("tools.%s.%s" % (name, item) for name in owners)))
            raise AttributeError("Namespace or Tool '%s' not found. Available namespaces: %s. %s"
                                 % (item, ", ".join(namespaces) or "none", _hint))

        def __getitem__(self, item):
            return self.__getattr__(item)

        def __setattr__(self, key, value):
            raise AttributeError("tools are read-only")

        def __dir__(self):
            return sorted(_namespaces())

        def __repr__(self):
            return "<tools: %s>" % (", ".join(_namespaces()) or "none")

        def raw(self, name, args=None, **kwargs):
            return _call(str(name), args, kwargs)

    def discover_mcp_tools(options=None):
        """The tools this execution may call: [{name, description, inputSchema}]; options: package, search."""
        if options is None:
            options = {}
        if not isinstance(options, dict):
            raise TypeError("discover_mcp_tools(options): options must be a dict such as "
                            "{'package': 'github', 'search': 'issue'}")
        found = _parse(discover(_dumps(options)))
        return found

    # Calls that overlap. A tool call the program awaits inside a coroutine that an asyncio loop runs, or hands to
    # asyncio.gather, wait_for, create_task and the like, is noted (start) and answered through a future of that loop,
    # so that the calls of gather are in flight together and wait_for can time out, as with the original's Pyodide; anywhere else a call answers before it returns, as
    # before, so that `r = tools.x.y()` needs no await. The program's text says which calls these are: `await
    # tools.x.y(a)` in a function becomes `await __conduit_awaitable__(__conduit_later__(tools.x.y, a))`, a call
    # among gather's arguments (or wait_for's first...) `__conduit_gathered__(tools.x.y, a)` (see _rewritten). The loop begins the noted calls and
    # hands the answers to their futures each time it looks for work (_Timers.select): a call noted alone, when the
    # loop has nothing else to do, is made there on the program's own thread, as every call used to be.
    _waiting = {}  # number: (tool, future)
    _loop_kind = []  # the sandbox's event loop class, once asyncio is imported

    def _tool_of(fn, args):
        # The tool a call through fn is of, and the arguments without its name; None for anything but our bindings.
        name = getattr(fn, "_conduit_tool", None)
        if name is not None:
            return name, args
        if getattr(fn, "__func__", None) is _Tools.raw and args:
            return str(args[0]), args[1:]
        return None, args

    def _running_loop():
        asyncio = _sys.modules.get("asyncio")
        if asyncio is None or not _loop_kind:
            return None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        return loop if isinstance(loop, _loop_kind[0]) else None

    def _split(args=None, **kwargs):
        return args, kwargs

    def _begin(loop, name, args, kwargs):
        arguments, keywords = _split(*args, **kwargs)
        number = start(name, _arguments(name, arguments, keywords))
        future = loop.create_future()
        _waiting[number] = (name, future)
        return future

    def _later(fn, *args, **kwargs):
        # A call the program awaits in a coroutine: begun with the others the loop's tasks make, when a loop runs it.
        name, args = _tool_of(fn, args)
        loop = None if name is None else _running_loop()
        if loop is None:
            return fn(*args, **kwargs) if name is None else _call(name, *_split(*args, **kwargs))
        return _begin(loop, name, args, kwargs)

    def _gathered(fn, *args, **kwargs):
        # A call handed to asyncio.gather (wait_for, ...): a coroutine that begins it once asyncio's task runs it.
        name, args = _tool_of(fn, args)
        if name is None:
            return fn(*args, **kwargs)

        async def call():
            loop = _running_loop()
            if loop is None:
                return _call(name, *_split(*args, **kwargs))
            return await _begin(loop, name, args, kwargs)
        return call()

    def _deliver(lines):
        for line in lines.split("\n"):
            number, _, text = line.partition(" ")
            name, future = _waiting.pop(int(number), (None, None))
            if future is None or future.done():
                continue
            try:
                future.set_result(_value(name, _parse(text)))
            except ToolError as failed:
                future.set_exception(failed)

    def _answers(timeout):
        # The loop looks for work: begin the calls noted, hand over the answers there are; with nothing else to do
        # (timeout None: no timer, nothing ready), wait for one, without the program's turn to run guest code, 50 ms
        # at most (a wall-time stop lands at the next step).
        lines = answered(timeout is None)
        if lines is None and timeout != 0 and _waiting:
            idle(50 if timeout is None else max(0, min(50, int(timeout * 1000))))
            lines = answered(False)
        if lines is not None:
            _deliver(lines)

    # time.sleep, as the program finds it. GraalPy's own spins on the CPU for most of a second when asked to sleep 0 s
    # (ten time.sleep(0) took 9 s of CPU time, and asyncio's loop slept 0 s between any two steps: a program that ran
    # asyncio.run twice used up its 10 s of CPU), and holds the program's turn to run guest code while it sleeps. This
    # one returns at once for 0 s and waits without the turn, in slices of 50 ms at most, so that a wall-time stop
    # lands within 50 ms. What it does not take (not an int or float, NaN, too long) goes to GraalPy's, which raises
    # what CPython raises.
    import time as _time
    _monotonic = _time.monotonic
    _sleep_of_graalpy = _time.sleep

    def _pause(seconds):
        end = _monotonic() + seconds
        left = seconds
        while left > 0:
            idle(max(1, min(50, int(left * 1000) + 1)))
            left = end - _monotonic()

    def sleep(secs):
        """Delay execution for a given number of seconds (a float for subsecond precision)."""
        if type(secs) not in (int, float, bool) or not -1e9 < secs < 1e9:
            return _sleep_of_graalpy(secs)
        if secs < 0:
            raise ValueError("sleep length must be non-negative")
        if secs > 0:
            _pause(secs)
        return None

    _time.sleep = sleep
    _globals["__conduit_later__"] = _later
    _globals["__conduit_gathered__"] = _gathered
    _globals["tools"] = _Tools()
    _globals["discover_mcp_tools"] = discover_mcp_tools
    _globals["ToolError"] = ToolError
    del _globals["__conduit_install"]
    _globals.pop("__conduit_ast_module", None)

    def _await(value):
        # What a top-level `await value` means here: our calls are already finished; coroutines run to their end, on
        # an event loop once the program has imported asyncio (whose sleeps, tasks and futures need one).
        if isinstance(value, _Done):
            return value._value
        if isinstance(value, _Finished):
            return value
        asyncio = _sys.modules.get("asyncio")
        if asyncio is not None and (asyncio.iscoroutine(value) or asyncio.isfuture(value)):
            return _event_loop(asyncio).run_until_complete(value)
        if hasattr(value, "send") and hasattr(value, "throw"):
            try:
                while True:
                    value.send(None)
            except StopIteration as done:
                return done.value
        return value

    def _awaitable(value):
        return value if hasattr(value, "__await__") else _Done(value)

    def _event_loop(asyncio):
        # The loop of the program's top-level code (the policy's, below), where its futures were made.
        return asyncio.get_event_loop_policy().get_event_loop()

    def _adapt(asyncio):
        # asyncio's own loops wait on a selector and wake through a socket pair: the sandbox has no sockets. This loop
        # has no I/O to wait for, only timers and tasks, so between them it sleeps, 50 ms at a time: a program stopped
        # at its wall time while one long sleep ran here went on sleeping (GraalPy's sleep, called from the loop,
        # kept waking to the stop without ending), and ran until the sleep was over.
        base_events = _sys.modules["asyncio.base_events"]

        class _Timers:
            def select(self, timeout=None):
                if _waiting:
                    _answers(timeout)
                elif timeout != 0:  # None: nothing scheduled yet
                    _pause(0.05 if timeout is None else min(0.05, timeout))
                return []

        class SandboxEventLoop(base_events.BaseEventLoop):
            def __init__(self):
                super().__init__()
                self._selector = _Timers()

            def _process_events(self, event_list):
                pass

            def _write_to_self(self):
                pass

        class SandboxEventLoopPolicy(asyncio.DefaultEventLoopPolicy):
            def new_event_loop(self):
                return SandboxEventLoop()

            def get_event_loop(self):
                # The top-level code always has a loop, as under the original's top-level await: one made when none
                # is set or the one set was closed (asyncio.run closes its own and sets none).
                loop = self._local._loop
                if loop is None or loop.is_closed():
                    loop = self.new_event_loop()
                    self.set_event_loop(loop)
                return loop

        asyncio.set_event_loop_policy(SandboxEventLoopPolicy())
        _loop_kind.append(SandboxEventLoop)

    def _adapt_zoneinfo(common):
        # No time zone database is readable in the sandbox and no tzdata package is installed, so every
        # ZoneInfo("Europe/Paris") failed: the host writes the zone's TZif data from the JDK's database, and zoneinfo
        # reads it as it would read the file.
        from io import BytesIO
        not_found = common.ZoneInfoNotFoundError

        def load_tzdata(key):
            data = tzif(key) if isinstance(key, str) else None
            if data is None:
                raise not_found(f"No time zone found with key {key}")
            return BytesIO(data.encode("latin-1"))

        common.load_tzdata = load_tzdata

    class _Adapting:
        # The loader of a module adapted once it has run.
        __slots__ = ("_inner", "_adapt")

        def __init__(self, inner, adapt):
            self._inner = inner
            self._adapt = adapt

        def create_module(self, spec):
            return self._inner.create_module(spec)

        def exec_module(self, module):
            self._inner.exec_module(module)
            self._adapt(module)

    def _adapt_tzpath(tzpath):
        # Its list of zones came from tzdata or the tz database's files: it was empty.
        def available_timezones():
            return set(tzif().split("\n"))

        tzpath.available_timezones = available_timezones

    _adapters = {"asyncio": _adapt, "zoneinfo._common": _adapt_zoneinfo, "zoneinfo._tzpath": _adapt_tzpath}

    class _AdaptsModules:
        # Found first on sys.meta_path: when the program imports a module of _adapters, its spec gets the adapting
        # loader (once: it leaves the list, and the finder leaves sys.meta_path with the last of them).
        @staticmethod
        def find_spec(name, path=None, target=None):
            adapt = _adapters.pop(name, None)
            if adapt is None:
                return None
            if not _adapters:
                _sys.meta_path.remove(_AdaptsModules)
            for finder in _sys.meta_path:
                find = getattr(finder, "find_spec", None)
                spec = find(name, path, target) if find is not None and finder is not _AdaptsModules else None
                if spec is not None and spec.loader is not None:
                    spec.loader = _Adapting(spec.loader, adapt)
                    return spec
            return None

    _sys.meta_path.insert(0, _AdaptsModules)
    _globals["__conduit_await__"] = _await
    _globals["__conduit_awaitable__"] = _awaitable

    def _top_level_awaits(tree):
        found = []

        def visit(node):
            if _kind(node) in ("FunctionDef", "AsyncFunctionDef", "Lambda", "ClassDef"):
                return
            if _kind(node) == "Await":
                found.append(node)
            for child in _children(node):
                visit(child)

        for statement in tree.body:
            visit(statement)
        return found

    def _offsets(code):
        # The text's index of a syntax tree's (line, column), as a function. ast columns count UTF-8 bytes; the text
        # is indexed by characters. Line starts are counted once: a program may have thousands of positions.
        lines = code.split("\n")
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line) + 1)

        def offset(line, column):
            text = lines[line - 1]
            if text.isascii():
                return starts[line - 1] + column
            return starts[line - 1] + len(text.encode("utf-8")[:column].decode("utf-8"))

        return offset

    def _apply(code, edits):
        # The text with (position, order, text, length) edits made: `length` characters at `position` replaced by
        # `text`; at one position, lower orders first. One pass, so thousands of edits cost no more than the text.
        pieces = []
        at = 0
        for position, _, text, length in sorted(edits):
            pieces.append(code[at:position])
            pieces.append(text)
            at = position + length
        pieces.append(code[at:])
        return "".join(pieces)

    def _around(start, end, opening, closing, replaced=0):
        # Edits for _apply that put `opening` before start (in place of `replaced` characters) and `closing` at end.
        # At one position: closing texts before opening ones, inner closes first, outer opens first.
        return [(end, end - start, closing, 0), (start, 2 ** 40 - (end - start), opening, replaced)]

    _large = 1048576

    def _sized(count, unit):
        # The count of a repetition or a new buffer's size, checked before the allocation is made (see _size_checks).
        if type(count) is int and count * unit >= _large:
            wanted = count * unit
            left = room(wanted)
            if wanted > left:
                raise MemoryError("Cannot allocate %d MB: the program's memory limit leaves %d MB. Work on the data "
                                  "in smaller pieces, or ask for a higher limits.memoryLimitMb"
                                  % (wanted // _large, max(left, 0) // _large))
        return count

    _globals["__conduit_sized__"] = _sized

    def _repeated(count, sequence):
        # A repetition's size checked before it is made: str, bytes and bytearray 1 byte an item, list, tuple and
        # deque 4, array.array its item size.
        if count > 1:
            if isinstance(sequence, (str, bytes, bytearray)):
                _sized(count, len(sequence))
            elif isinstance(sequence, (list, tuple, _deque)):
                _sized(count, 4 * len(sequence))
            elif type(getattr(sequence, "itemsize", None)) is int and hasattr(sequence, "__len__"):
                _sized(count, sequence.itemsize * len(sequence))

    def _mul(a, b):
        # `a * b` where the program's text cannot tell that both are numbers: a repetition too large is refused first.
        # Numbers leave after two or three type tests (a call costs about 3 us in GraalPy's interpreter as it is).
        if type(b) is int:
            if b > 1 and type(a) is not int and type(a) is not float:
                _repeated(b, a)
        elif type(a) is int and a > 1 and type(b) is not float:
            _repeated(a, b)
        return a * b

    def _times(target, count):
        # `target *= count`, checked the same way; returns the count.
        if type(count) is int:
            _repeated(count, target)
        elif type(target) is int:
            _repeated(target, count)
        return count

    _globals["__conduit_mul__"] = _mul
    _globals["__conduit_times__"] = _times

    def _unit(node):
        # Bytes per repetition of a literal, a lower bound (a character or a list slot counts 1 and 4 bytes).
        kind = _kind(node)
        if kind in ("List", "Tuple"):
            return 4 * len(node.elts)
        if kind == "Constant" and isinstance(node.value, (str, bytes)):
            return len(node.value)
        return 0

    _buffers = ("bytes", "bytearray")
    _sequences = ("list", "tuple")
    # Calls through these allocate nothing by their argument alone (range is lazy).
    _lazy = _sequences + ("range",)

    def _allocating_names(nodes):
        """The names through which the program calls bytes, bytearray, list, tuple and range.

        Each builtin's own name when the program never binds it, and aliases of bytes and bytearray bound once and
        only once: `b = bytearray`, `from builtins import bytearray as b`, aliases of aliases. A name bound anywhere
        else too is left out, so that a call through it after a rebinding is never taken for an allocation.
        Returns (functions, modules): those names, and the names of the builtins module (`import builtins`).
        """
        bindings = {}
        aliases = {}
        modules = set()

        def bound(name):
            bindings[name] = bindings.get(name, 0) + 1

        for node in nodes:
            kind = _kind(node)
            if kind == "Name" and _kind(node.ctx) == "Store":
                bound(node.id)
            elif kind in ("FunctionDef", "AsyncFunctionDef", "ClassDef"):
                bound(node.name)
            elif kind == "arg":
                bound(node.arg)
            elif kind in ("Import", "ImportFrom"):
                for alias in node.names:
                    name = alias.asname or alias.name
                    bound(name)
                    if kind == "ImportFrom" and node.module == "builtins" and alias.name in _buffers:
                        aliases[name] = alias.name
                    if kind == "Import" and alias.name == "builtins":
                        modules.add(name)
            if kind == "Assign" and len(node.targets) == 1 and _kind(node.targets[0]) == "Name" \
                    and _kind(node.value) == "Name":
                aliases[node.targets[0].id] = node.value.id
        functions = set(name for name in _buffers + _lazy if bindings.get(name, 0) == 0)
        grew = True
        while grew:
            grew = False
            for name, target in aliases.items():
                if name not in functions and target in functions and target not in _lazy \
                        and bindings.get(name, 0) == 1:
                    functions.add(name)
                    grew = True
        return functions, set(name for name in modules if bindings.get(name, 0) == 1)

    def _spec_size(spec):
        # The characters a format spec asks for at least: the larger of its width and precision ("{:>900000000}",
        # "{:.90000000f}"); "[[fill]align][sign][z][#][0][width][grouping][.precision][type]".
        at = 2 if len(spec) > 1 and spec[1] in "<>=^" else 1 if spec[:1] in "<>=^" else 0
        while at < len(spec) and spec[at] in "+- z#0":
            at += 1
        start = at
        while at < len(spec) and spec[at].isdigit():
            at += 1
        width = int(spec[start:at]) if at > start else 0
        while at < len(spec) and spec[at] in ",_":
            at += 1
        precision = 0
        if spec[at:at + 1] == ".":
            start = at = at + 1
            while at < len(spec) and spec[at].isdigit():
                at += 1
            precision = int(spec[start:at]) if at > start else 0
        return max(width, precision)

    def _percent_size(text):
        # The same for printf-style directives ("%900000000d", "%.9000000f"): the largest one asks for.
        largest = 0
        at = text.find("%")
        while 0 <= at < len(text) - 1:
            at += 1
            if text[at] == "%":
                at = text.find("%", at + 1)
                continue
            if text[at] == "(":
                at = text.find(")", at) + 1 or len(text)
            while at < len(text) and text[at] in "-+ #0":
                at += 1
            end = at
            while end < len(text) and (text[end].isdigit() or text[end] == "."):
                end += 1
            parts = text[at:end].split(".")
            largest = max([largest] + [int(part) for part in parts[:2] if part])
            at = text.find("%", end)
        return largest

    def _formatted_width(node):
        # The widest literal format an expression asks for: an f-string's `{x:>N}`, `"{:N}".format(...)`,
        # `format(x, "N")`, `"%Nd" % x`. A width computed as the program runs (`{x:>{n}}`, `%*d`) is not seen.
        kind = _kind(node)
        if kind == "JoinedStr":
            widest = 0
            for value in node.values:
                spec = getattr(value, "format_spec", None) if _kind(value) == "FormattedValue" else None
                if spec is not None and all(_kind(part) == "Constant" for part in spec.values):
                    widest = max(widest, _spec_size("".join(str(part.value) for part in spec.values)))
            return widest
        if kind == "BinOp" and _kind(node.op) == "Mod" and _kind(node.left) == "Constant" \
                and isinstance(node.left.value, str):
            return _percent_size(node.left.value)
        if kind != "Call" or not node.args:
            return 0
        func = node.func
        if _kind(func) == "Attribute" and func.attr in ("format", "format_map") and _kind(func.value) == "Constant" \
                and isinstance(func.value.value, str):
            widest = 0
            try:
                for _, _, spec, _ in _formatter_parser(func.value.value):
                    if spec and "{" not in spec:
                        widest = max(widest, _spec_size(spec))
            except ValueError:
                return 0  # not a valid format: str.format will say so
            return widest
        if _kind(func) == "Name" and func.id == "format" and len(node.args) == 2 and _kind(node.args[1]) == "Constant" \
                and isinstance(node.args[1].value, str):
            return _spec_size(node.args[1].value)
        return 0

    def _sizes(node, functions, modules):
        # (operand, bytes per unit) pairs to check in one node: `[0] * n`, `"x" * n`, `bytearray(n)`, `s.ljust(n)`,
        # `list(range(n))`.
        kind = _kind(node)
        if kind == "BinOp" and _kind(node.op) == "Mult":
            if _unit(node.left):
                return [(node.right, _unit(node.left))]
            if _unit(node.right):
                return [(node.left, _unit(node.right))]
        elif kind == "Call" and node.args and _kind(node.args[0]) != "Starred":
            func = node.func
            if _kind(func) == "Name" and func.id in functions and func.id in _sequences and len(node.args) == 1:
                # list(range(n)), tuple(range(n)): n slots.
                inner = node.args[0]
                if _kind(inner) == "Call" and _kind(inner.func) == "Name" and inner.func.id == "range" \
                        and "range" in functions and len(inner.args) == 1 and not inner.keywords:
                    return [(inner.args[0], 4)]
                return []
            if _kind(func) == "Name" and func.id in functions and func.id not in _lazy and len(node.args) == 1:
                return [(node.args[0], 1)]
            if _kind(func) == "Attribute" and func.attr in _buffers and _kind(func.value) == "Name" \
                    and func.value.id in modules and len(node.args) == 1:
                return [(node.args[0], 1)]
            if _kind(func) == "Attribute" and func.attr in ("ljust", "rjust", "center", "zfill", "randbytes"):
                return [(node.args[0], 1)]
            if _kind(func) == "Attribute" and func.attr == "to_bytes" and len(node.args) <= 2 \
                    and not (_kind(func.value) == "Name" and func.value.id == "int"):
                # n.to_bytes(length, ...), not int.to_bytes(n, length)
                return [(node.args[0], 1)]
        return []

    _arithmetic = ("Add", "Sub", "Mult", "Div", "FloorDiv", "Mod", "Pow", "LShift", "RShift", "BitOr", "BitXor",
                   "BitAnd")
    _counts = ("len", "int", "float", "ord", "hash")
    # A program that names one of these can bind its variables without the text showing it.
    _rebinding = ("globals", "locals", "vars", "exec", "eval", "setattr", "__dict__", "__builtins__", "builtins")
    _counted = object()  # a binding by `for name in range(...)`

    def _numbers(code, nodes):
        """Whether an expression is a number whatever the program's data, as a function of the expression. Names
        count as numbers when they only ever hold numbers, by the program's text: every binding of the name anywhere
        in the program is a number, an arithmetic of numbers, a count (len, int, float, ord, hash), or
        `for name in range(...)`: `total = 0`, `total += i * i`, `size = len(rows) * 2`. A name bound any other way
        (a parameter, an import, unpacking, `with`, `except`, a loop over anything but a range) is not one; neither
        is any name in a program that names globals, vars, exec and the like. Scopes are not told apart, which only
        ever leaves a name out.
        """
        if any(word in code for word in _rebinding):
            return lambda node: False
        values = {}
        named = set()

        def bind(name, value):
            values.setdefault(name, []).append(value)

        for node in nodes:
            kind = _kind(node)
            if kind == "Assign":
                for target in node.targets:
                    if _kind(target) == "Name":
                        bind(target.id, node.value)
                        named.add(id(target))
            elif kind in ("AnnAssign", "NamedExpr") and _kind(node.target) == "Name" and node.value is not None:
                bind(node.target.id, node.value)
                named.add(id(node.target))
            elif kind == "AugAssign" and _kind(node.target) == "Name":
                bind(node.target.id, node.value if _kind(node.op) in _arithmetic else None)
                named.add(id(node.target))
            elif kind in ("For", "comprehension") and _kind(node.target) == "Name":
                iterated = node.iter
                counted = _kind(iterated) == "Call" and _kind(iterated.func) == "Name" and iterated.func.id == "range"
                bind(node.target.id, _counted if counted else None)
                named.add(id(node.target))
            elif kind == "arg":
                bind(node.arg, None)
            elif kind in ("FunctionDef", "AsyncFunctionDef", "ClassDef"):
                bind(node.name, None)
            elif kind in ("Import", "ImportFrom"):
                for alias in node.names:
                    bind((alias.asname or alias.name).split(".")[0], None)
            elif kind in ("ExceptHandler", "MatchAs", "MatchStar") and node.name:
                bind(node.name, None)
            elif kind == "MatchMapping" and node.rest:
                bind(node.rest, None)
        for node in nodes:
            if _kind(node) == "Name" and _kind(node.ctx) == "Store" and id(node) not in named:
                bind(node.id, None)
        numbers = set(name for name, bound in values.items() if None not in bound)
        if "range" in values:
            numbers = set(name for name in numbers if _counted not in values[name])
        # Each pass drops the names with a binding that is not a number given the others. A long chain of names
        # that each lose their standing one pass after another (generated code) would make this quadratic: after 8
        # passes no name counts as a number, which only means more products are checked.
        for _ in range(8):
            dropped = [name for name in numbers
                       if not all(_number(value, numbers, values) for value in values[name])]
            if not dropped:
                return lambda node: _number(node, numbers, values)
            numbers.difference_update(dropped)
        return lambda node: False

    def _number(node, numbers, bound):
        # Whether the expression is a number whatever the program's data, given the names that are.
        if node is _counted:
            return True
        kind = _kind(node)
        if kind == "Constant":
            return type(node.value) in (int, float, complex, bool)
        if kind == "Name":
            return node.id in numbers
        if kind == "UnaryOp":
            return _kind(node.op) == "Not" or _number(node.operand, numbers, bound)
        if kind == "BinOp":
            return _kind(node.op) in _arithmetic and _number(node.left, numbers, bound) \
                and _number(node.right, numbers, bound)
        if kind == "BoolOp":
            return all(_number(value, numbers, bound) for value in node.values)
        if kind == "IfExp":
            return _number(node.body, numbers, bound) and _number(node.orelse, numbers, bound)
        if kind == "Call" and _kind(node.func) == "Name" and node.func.id not in bound:
            if node.func.id in _counts:
                return True
            if node.func.id in ("abs", "round") and node.args:
                return _number(node.args[0], numbers, bound)
        return False

    def _floating(node):
        return _kind(node) == "Constant" and type(node.value) in (float, complex)

    def _operator(code, start, end, wanted="*"):
        # Where the `*` between two operands is (or the `(` after a call's function): after closing parentheses,
        # blanks, comments, line continuations.
        position = start
        while position < end:
            char = code[position]
            if char == wanted:
                return position
            if char == "#":
                position = code.find("\n", position)
                if position < 0:
                    return -1
            position += 1
        return -1

    def _size_checks(code, nodes):
        """The program with the sizes of its large-allocation shapes checked first, or None when it has none.

        A single allocation larger than what the memory limit leaves (bytearray(n), b"x" * n, [0] * n, s.ljust(n))
        raises MemoryError in the program instead of reaching the heap. Python gives no hook under `bytes`, lists or
        repetition without changing what they are to the program, so the sizes are checked where the program's text
        shows such an allocation: `__conduit_sized__(` is written before the operand and `, unit)` after it, on the
        same line, so every line number stays the program's own. Calls through an alias bound once (`b = bytearray`,
        `from builtins import bytes as b`, `builtins.bytearray`) are checked too. Every other `a * b` and `a *= b`
        is checked as it runs (`__conduit_mul__(a, b)`, `a *= __conduit_times__(a, b)`: the `*` becomes a comma, the
        rest stays where it was) unless the text shows both to be numbers (`i * i` in `for i in range(n)`), which
        spares numeric loops the call (3 us a product in GraalPy's interpreter, seven times a loop of products).
        Not seen: `a *= b` on a target that reading twice could change (a call in it), and repetitions inside
        built-in functions.
        """
        nodes = list(nodes)
        functions, modules = _allocating_names(nodes)
        number = None
        edits = []
        offsets = []  # made at the first edit: most programs have none

        def offset(line, column):
            if not offsets:
                offsets.append(_offsets(code))
            return offsets[0](line, column)

        def wrap(node, opening, closing):
            edits.extend(_around(offset(node.lineno, node.col_offset), offset(node.end_lineno, node.end_col_offset),
                                 opening, closing))

        for node in nodes:
            sizes = _sizes(node, functions, modules)
            for operand, unit in sizes:
                wrap(operand, "__conduit_sized__(", ", %d)" % unit)
            width = _formatted_width(node)
            if width >= _large:
                # A width or precision written into the text: checked before the expression builds the string.
                wrap(node, "(__conduit_sized__(%d, 1) and " % width, ")")
            kind = _kind(node)
            if sizes or kind not in ("BinOp", "AugAssign") or _kind(node.op) != "Mult":
                continue
            if number is None:
                number = _numbers(code, nodes)
            if kind == "BinOp":
                if _floating(node.left) or _floating(node.right) or number(node.left) and number(node.right):
                    continue
                after = offset(node.left.end_lineno, node.left.end_col_offset)
                star = _operator(code, after, offset(node.right.lineno, node.right.col_offset))
                if star >= 0:
                    wrap(node, "__conduit_mul__(", ")")
                    edits.append((star, 0, ",", 1))
            elif not (_floating(node.value) or number(node.target) and number(node.value)):
                target = _target_text(code, offset, node.target)
                if target is not None:
                    wrap(node.value, "__conduit_times__(%s, " % target, ")")
        return _apply(code, edits) if edits else None

    def _target_text(code, offset, target):
        # The text of an augmented assignment's target when reading it twice changes nothing: a name, or attributes
        # and subscripts of names and constants, on one line.
        for node in _walk(target):
            if _kind(node) not in ("Name", "Attribute", "Subscript", "Constant", "Load", "Store"):
                return None
        if target.lineno != target.end_lineno:
            return None
        return code[offset(target.lineno, target.col_offset):offset(target.end_lineno, target.end_col_offset)]

    def _tool_call(node):
        # Whether a call is made through `tools`: tools.x.y(...), tools.y(...), tools.x["y-z"](...), tools.raw(...).
        if _kind(node) != "Call" or _kind(node.func) not in ("Attribute", "Subscript"):
            return False
        target = node.func
        while _kind(target) in ("Attribute", "Subscript"):
            target = target.value
        return _kind(target) == "Name" and target.id == "tools"

    # asyncio's functions that take awaitables, and which of their arguments: gather all of them, one by one or
    # starred; wait and as_completed an iterable of them; the others their first.
    _taking_awaitables = {"gather": "all", "wait": "iterable", "as_completed": "iterable", "wait_for": "first",
                          "create_task": "first", "ensure_future": "first", "shield": "first"}

    def _imported_from_asyncio(tree):
        # The names the program binds to those functions with `from asyncio import ...`: {name in the program: name}.
        names = {}
        for node in _walk(tree):
            if _kind(node) == "ImportFrom" and node.module == "asyncio":
                for alias in node.names:
                    if alias.name in _taking_awaitables:
                        names[alias.asname or alias.name] = alias.name
        return names

    def _asyncio_function(node, imported):
        # Which of those a call calls (asyncio.gather(...), or gather(...) imported from asyncio), or None.
        func = node.func
        if _kind(func) == "Attribute" and _kind(func.value) == "Name" and func.value.id == "asyncio":
            return func.attr if func.attr in _taking_awaitables else None
        if _kind(func) == "Name":
            return imported.get(func.id)
        return None

    def _elements(node):
        # The items of a list, tuple or comprehension written in place.
        kind = _kind(node)
        return node.elts if kind in ("List", "Tuple") else [node.elt] if kind in ("ListComp", "GeneratorExp") else []

    def _gathered_calls(node, imported):
        # The tool calls handed to asyncio.gather, wait_for, create_task and the like (or those names imported from
        # asyncio): they become awaitables begun when asyncio runs them, so they overlap and can time out.
        name = _asyncio_function(node, imported)
        if name is None or not node.args:
            return []
        taken = _taking_awaitables[name]
        if taken == "first":
            items = [node.args[0]]
        elif taken == "iterable":
            items = _elements(node.args[0])
        else:
            items = []
            for argument in node.args:
                items.extend(_elements(argument.value) if _kind(argument) == "Starred" else [argument])
        return [item for item in items if _tool_call(item)]

    def _through(code, offset, call, opening, closing):
        # Edits that make a call `f(a)` into `<opening>f, a)<closing>`: its function becomes an argument of ours.
        start = offset(call.func.lineno, call.func.col_offset)
        end = offset(call.end_lineno, call.end_col_offset)
        paren = _operator(code, offset(call.func.end_lineno, call.func.end_col_offset), end, "(")
        if paren < 0:
            return []
        return _around(start, end, opening, closing) + [(paren, 0, ", ", 1)]

    def _rewritten(code, tree, every, imported):
        # The program's awaits and the calls it hands to gather, edited in the text so that every line stays the
        # program's own. GraalPy compiles no top-level await: `await x` at the top becomes `__conduit_await__(x)`;
        # inside async functions `await x` becomes `await __conduit_awaitable__(x)`, so plain values can be awaited,
        # and an awaited tool call `await __conduit_awaitable__(__conduit_later__(tools.x.y, a))`; a tool call among
        # the awaitables given to gather, wait_for, create_task and the like `__conduit_gathered__(tools.x.y, a)`
        # (see _later and _gathered).
        top = set(id(node) for node in _top_level_awaits(tree))
        offset = _offsets(code)
        edits = []
        for node in every:
            if _kind(node) == "Call":
                for call in _gathered_calls(node, imported):
                    edits.extend(_through(code, offset, call, "__conduit_gathered__(", ""))
                continue
            if id(node) in top:
                spanned, opening, replaced = node, "__conduit_await__(", 5
            elif _tool_call(node.value):
                moved = _through(code, offset, node.value, "__conduit_awaitable__(__conduit_later__(", ")")
                if moved:
                    edits.extend(moved)
                    continue
                spanned, opening, replaced = node.value, "__conduit_awaitable__(", 0
            else:
                spanned, opening, replaced = node.value, "__conduit_awaitable__(", 0
            edits.extend(_around(offset(spanned.lineno, spanned.col_offset),
                                 offset(spanned.end_lineno, spanned.end_col_offset), opening, ")", replaced))
        return _apply(code, edits) if edits else code

    def _flush():
        # What the program wrote without a newline waits in the streams' buffers (they flush at a newline): CPython
        # flushes them as the interpreter exits, and `print(x, end='')` or `sys.stdout.write(json.dumps(x))` was
        # lost here. The program may have put streams of its own in their place; the originals are flushed too.
        for stream in (_sys.stdout, _sys.stderr, _sys.__stdout__, _sys.__stderr__):
            try:
                stream.flush()
            except Exception:
                pass

    def _failure(failure):
        """[message, frames] of the exception that ended the program: its type and text, and where in the program's
        text it passed, innermost first, as the JavaScript engines' stacks (the SDK's and the library's frames are
        not the program's, and name files of the host)."""
        kind = type(failure).__name__
        # The standard library's files are named as <graalpy>/lib/..., as __graalpython__.home reads: a message that
        # names one (asyncio's "Task ... running at .../asyncio/tasks.py:521") was mostly the server's install path.
        text = str(failure).replace(_prefix, "<graalpy>") if _prefix else str(failure)
        frames = []
        trace = failure.__traceback__
        while trace is not None:
            code = trace.tb_frame.f_code
            if code.co_filename == "<main>":
                frames.append("\n    at <python> %s(<main>:%d)" % (code.co_name, trace.tb_lineno))
            trace = trace.tb_next
        frames.reverse()
        return [kind + ": " + text if text else kind, "".join(frames)]

    def run(code):
        """Runs the program; a trailing expression is its result, or [message, frames] the exception that ended it.
        Top-level await is allowed."""
        _start_clocks()
        tree = compile(code, "<main>", "exec", _only_ast)
        checked = _size_checks(code, _walk(tree))
        if checked is not None:
            code = checked
            tree = compile(code, "<main>", "exec", _only_ast)
        imported = _imported_from_asyncio(tree) if "asyncio" in code else {}
        every = [node for node in _walk(tree) if _kind(node) == "Await"
                 or _kind(node) == "Call" and _asyncio_function(node, imported) is not None]
        if every:
            rewritten = _rewritten(code, tree, every, imported)
            if rewritten is not code:
                code = rewritten
                tree = compile(code, "<main>", "exec", _only_ast)
        if tree.body and _kind(tree.body[-1]) == "Expr":
            # The last expression becomes an assignment, written into the text at the same place so that line
            # numbers in errors stay the program's own.
            last = tree.body[-1]
            lines = code.split("\n")
            line = lines[last.lineno - 1]
            lines[last.lineno - 1] = line[:last.col_offset] + "__conduit_result__ = " + line[last.col_offset:]
            code = "\n".join(lines)
        # The program's globals are a dict of its own, not this module's: GraalPy's engine-wide source cache keeps a
        # file of the last context that imported a module, and through it that context's main module, so a program
        # written into the module's globals stayed reachable after its context closed (a stopped 256 MB bomb's list
        # outlived it until some later program imported the same module).
        scope = dict(_globals)
        try:
            exec(compile(code, "<main>", "exec"), scope)
        except SystemExit as leaving:
            _flush()
            # sys.exit(), sys.exit(0) and os._exit(0) end a program that succeeded, as they give a process status 0.
            if leaving.code is not None and not (isinstance(leaving.code, int) and leaving.code == 0):
                return _failure(leaving)
            return None
        except BaseException as failure:
            _flush()
            # Told to the host as data, not raised to it: GraalPy 25.2 builds the host's stack of a Python exception
            # that passed through a handler (try, with, a re-raise) wrongly, dropping the program's frames, and fails
            # outright with assertions on ("Bytecode index out of range"); the traceback itself is right.
            return _failure(failure)
        _flush()
        result = scope.pop("__conduit_result__", None)
        if result is None:
            return None
        if isinstance(result, _Done):
            result = result._value
        try:
            # Compact, like JSON.stringify in the JS engines; NaN and Infinity are not JSON, so no result.
            return _dumps(result)
        except (TypeError, ValueError, RecursionError) as error:
            # The program meant to leave a value (a set, an object of its own): it is told why there is none.
            _sys.__stderr__.write("The program's result is left out: JSON cannot express it (%s: %s)\n"
                                  % (type(error).__name__, error))
            _flush()
            return None

    return run
