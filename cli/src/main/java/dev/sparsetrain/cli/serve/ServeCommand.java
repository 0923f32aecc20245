package dev.sparsetrain.cli.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.SavedModelOptions;
import dev.sparsetrain.cli.train.RecommendCommand;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.metrics.ranking.TopK;
import dev.sparsetrain.models.bpr.BprFiles;
import dev.sparsetrain.models.sparsenn.ClickModel;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.vbpr.VbprFiles;
import dev.sparsetrain.options.ImplicitDataOptions;
import dev.sparsetrain.options.MmapOption;
import dev.sparsetrain.options.ModelFileOption;
import dev.sparsetrain.options.ThreadsOption;
import dev.sparsetrain.options.VerboseOption;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Serves a saved model over HTTP with JSON answers, until the process is stopped (Ctrl-C or
 * SIGTERM; requests in flight finish first).
 *
 * <pre>
 *   recommenders (BPR-MF, VBPR, visual-only):
 *     GET  /recommend?user=ID&amp;k=10[&amp;include_seen=true]
 *          {"user":"196","k":10,"items":[{"rank":1,"item":"475","score":3.99,"title":"..."}, ...]}
 *   click models (ctr-train --save):
 *     POST /predict   body: rows in the training format without the label, one per line
 *          {"probabilities":[0.231, ...]}
 *   both:
 *     GET  /health    {"status":"ok","kind":"BPR-MF","model":"...", "users":943,"items":1682}
 * </pre>
 *
 * Errors answer with a status (400 bad request, 404 unknown user or path, 405 wrong method, 413
 * body too large) and {@code {"error":"one line"}}, except a request line the JDK's server cannot
 * parse (e.g. a bad percent-escape), which that server answers itself (400, one HTML line). GET
 * endpoints also answer HEAD (status and headers, no body). The ranking is exactly {@code recommend}'s
 * (training items left out, score descending, ties by lower item index), and a prediction is
 * exactly {@code ctr-predict}'s. Requests are answered by {@code --threads} threads; the scorers
 * are read-only and thread-safe. Built on the JDK's own {@code com.sun.net.httpserver}: no
 * dependency, no TLS (put it behind a proxy to expose it).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves a saved model over HTTP (JSON): GET /recommend?user=ID&k=10 for bpr, vbpr and visual models, "
                + "POST /predict (rows without the label, one per line) for click models saved by ctr-train --save; GET /health for both.",
                "Runs until stopped (Ctrl-C, SIGTERM). Answers with the same ranking as recommend and the same probabilities as ctr-predict."})
public final class ServeCommand implements Callable<Integer> {
    /** Largest request body accepted by /predict. */
    static final int MAX_BODY = 16 << 20;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin ModelFileOption modelFile = new ModelFileOption();

    @Option(names = "--port", defaultValue = "8080", description = "TCP port; 0 picks a free one (printed). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (0.0.0.0: every interface). Default: ${DEFAULT-VALUE}.")
    String host;

    @Mixin MmapOption mmap = new MmapOption();

    @Mixin ThreadsOption threads = new ThreadsOption();

    @Option(names = "--max-k", defaultValue = "1000", description = "Largest k a /recommend request may ask for (a request without k gets 10, or this when smaller). Default: ${DEFAULT-VALUE}.")
    int maxK;

    @Mixin ImplicitDataOptions data = new ImplicitDataOptions();

    @Mixin SavedModelOptions.Vbpr vbprFiles = new SavedModelOptions.Vbpr();

    @Mixin VerboseOption verbose = new VerboseOption();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws InterruptedException {
        Server s = start();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("serving %s (%s) on http://%s:%d/  %s%n", modelFile.file(), s.kind, host.contains(":") ? "[" + host + "]" : host, s.port(), s.endpoints);
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s.stop();
            stopped.countDown();
        }, "serve-shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }

    /** Loads the model and starts listening; the caller stops the returned server. Bad options or files throw one line. */
    Server start() {
        Path model = modelFile.file();
        if (port < 0 || port > 65535) throw new BadInputException("--port " + port + ": must be in [0, 65535]");
        threads.checkAtMost(256);
        if (maxK < 1) throw new BadInputException("--max-k " + maxK + ": must be >= 1");
        Handler handler;
        String kind, endpoints;
        if (mmap.use(model)) {
            // a BPR-MF model served from the mapped file: nothing but its header on the heap
            RecommendCommand.Recommender r = RecommendCommand.loadMapped(model, spec, data, false);
            handler = new RecommendHandler(r, maxK);
            kind = r.kind();
            endpoints = "GET /recommend?user=ID&k=10, GET /health";
        } else {
            // a directory of part files (a sharded Spark trainer's): a click model is read by ClickModel.load, a BPR-MF set here
            boolean parts = dev.sparsetrain.models.sparsenn.ShardedModelFiles.isSharded(model);
            String type = parts ? dev.sparsetrain.models.sparsenn.ShardedModelFiles.modelType(model) : null;
            ModelFile.Contents c = parts && type.equals(SparseNN.MODEL_TYPE) ? null : dev.sparsetrain.cli.SavedModelOptions.header(model);
            if (type == null) type = c.modelType();
            if (type.equals(BprFiles.TYPE) || type.equals(VbprFiles.TYPE)) {
                RecommendCommand.Recommender r = RecommendCommand.load(model, c, spec, data, vbprFiles, false);
                handler = new RecommendHandler(r, maxK);
                kind = r.kind();
                endpoints = "GET /recommend?user=ID&k=10, GET /health";
            } else if (type.equals(SparseNN.MODEL_TYPE)) {
                refuseRecommenderOptions();
                ClickModel cm = ClickModel.load(model);
                handler = new PredictHandler(cm);
                kind = cm.model().config().type().name().toLowerCase(Locale.ROOT) + " click model";
                endpoints = "POST /predict (rows without the label, one per line), GET /health";
            } else {
                throw new BadInputException(model + ": a '" + type + "' model; serve takes bpr, vbpr, visual and click (ctr-train --save) models");
            }
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new BadInputException("--host " + host + " --port " + port + ": cannot listen (" + e.getMessage() + ")");
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads.threadsOrAvailable(), r -> {
            Thread t = new Thread(r, "serve-request");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(pool);
        ObjectNode health = JSON.createObjectNode().put("status", "ok").put("kind", kind).put("model", model.toString());
        handler.describe(health);
        http.createContext("/", ex -> respond(ex, () -> {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/health")) {
                requireMethod(ex, "GET");
                return health;
            }
            return handler.handle(ex, path);
        }));
        http.start();
        return new Server(http, pool, kind, endpoints);
    }

    private void refuseRecommenderOptions() {
        var pr = spec.commandLine().getParseResult();
        for (var o : pr.matchedOptions()) {
            String n = o.longestName();
            if (!List.of("--model", "--port", "--host", "--threads", "--verbose").contains(n)) {
                throw new BadInputException(n + ": does not apply to " + modelFile.file() + ", a click model (it carries its own encoder)");
            }
        }
    }

    /** A running server; closing it stops it. */
    static final class Server implements AutoCloseable {
        private final HttpServer http;
        private final ExecutorService pool;
        final String kind, endpoints;

        Server(HttpServer http, ExecutorService pool, String kind, String endpoints) {
            this.http = http;
            this.pool = pool;
            this.kind = kind;
            this.endpoints = endpoints;
        }

        int port() { return http.getAddress().getPort(); }

        /** Stops accepting, lets requests in flight finish (up to 2 s), and frees the threads. */
        void stop() {
            http.stop(2);
            pool.shutdown();
        }

        @Override
        public void close() {
            stop();
        }
    }

    /** An HTTP failure with its status; the message is the one-line error. */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    interface Handler {
        ObjectNode handle(HttpExchange ex, String path) throws IOException;

        void describe(ObjectNode health);
    }

    interface Body {
        ObjectNode get() throws IOException;
    }

    private void respond(HttpExchange ex, Body body) throws IOException {
        int status = 200;
        ObjectNode answer;
        try {
            answer = body.get();
        } catch (HttpError e) {
            status = e.status;
            answer = JSON.createObjectNode().put("error", e.getMessage());
        } catch (BadInputException e) {
            status = 400;
            answer = JSON.createObjectNode().put("error", e.getMessage());
        } catch (RuntimeException e) {
            status = 500;
            answer = JSON.createObjectNode().put("error", "internal error: " + e);
            if (verbose.verbose()) e.printStackTrace(spec.commandLine().getErr());
        }
        byte[] bytes = JSON.writeValueAsBytes(answer);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        boolean head = ex.getRequestMethod().equalsIgnoreCase("HEAD");   // the GET answer's status and headers, no body
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            if (!head) os.write(bytes);
        }
    }

    /** Refuses (405) any other method; a GET endpoint also answers HEAD, as HTTP asks of every server. */
    static void requireMethod(HttpExchange ex, String method) {
        String m = ex.getRequestMethod();
        if (!m.equalsIgnoreCase(method) && !(method.equals("GET") && m.equalsIgnoreCase("HEAD"))) {
            ex.getResponseHeaders().set("Allow", method.equals("GET") ? "GET, HEAD" : method);
            throw new HttpError(405, ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + ": use " + method);
        }
    }

    /** The query parameters (first value of each), decoded as UTF-8; a name given twice is refused. */
    static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) return q;
        for (String part : raw.split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String k, v;
            try {
                k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "query '" + raw + "': bad percent-encoding");
            }
            if (q.put(k, v) != null) throw new HttpError(400, "query parameter '" + k + "' given twice");
        }
        return q;
    }

    /** An id as echoed in an error: at most 64 characters, so a huge request does not come back whole. */
    static String shown(String id) {
        return id.length() <= 64 ? id : id.substring(0, 64) + "... (" + id.length() + " characters)";
    }

    /** GET /recommend: top-k of one user, training items left out unless include_seen=true. */
    static final class RecommendHandler implements Handler {
        private final RecommendCommand.Recommender r;
        private final int maxK;

        RecommendHandler(RecommendCommand.Recommender r, int maxK) {
            this.r = r;
            this.maxK = maxK;
        }

        @Override
        public void describe(ObjectNode health) {
            health.put("users", r.users().size()).put("items", r.items().size());
        }

        @Override
        public ObjectNode handle(HttpExchange ex, String path) {
            if (!path.equals("/recommend")) throw new HttpError(404, path + ": no such endpoint; use /recommend or /health");
            requireMethod(ex, "GET");
            Map<String, String> q = query(ex);
            for (String name : q.keySet()) {
                if (!List.of("user", "k", "include_seen").contains(name)) {
                    throw new HttpError(400, "query parameter '" + name + "': allowed user, k, include_seen");
                }
            }
            String id = q.get("user");
            if (id == null || id.isEmpty()) throw new HttpError(400, "query parameter 'user' missing, e.g. /recommend?user=196&k=10");
            int k = Math.min(10, maxK);   // the default k, within --max-k like any asked for
            if (q.containsKey("k")) {
                try {
                    k = Integer.parseInt(q.get("k").strip());
                } catch (NumberFormatException e) {
                    throw new HttpError(400, "k '" + q.get("k") + "': not an integer");
                }
                if (k < 1 || k > maxK) throw new HttpError(400, "k " + k + ": must be in [1, " + maxK + "] (--max-k)");
            }
            boolean includeSeen = false;
            if (q.containsKey("include_seen")) {
                String v = q.get("include_seen").toLowerCase(Locale.ROOT);
                if (!v.equals("true") && !v.equals("false")) throw new HttpError(400, "include_seen '" + q.get("include_seen") + "': true or false");
                includeSeen = v.equals("true");
            }
            int u = r.users().indexOf(id);
            if (u < 0) throw new HttpError(404, "user '" + shown(id) + "': unknown; the model knows " + r.users().size() + " users");
            int n = r.items().size();
            float[] scores = new float[n];
            r.scorer().scoreAll(u, scores);
            boolean[] seen = new boolean[n];
            if (!includeSeen && r.train() != null) for (int i : r.train().itemsOf(u)) seen[i] = true;
            int[] top = TopK.select(scores, seen, k);
            ObjectNode o = JSON.createObjectNode().put("user", id).put("k", k);
            ArrayNode items = o.putArray("items");
            for (int rank = 0; rank < top.length; rank++) {
                int i = top[rank];
                String iid = r.items().id(i);
                ObjectNode it = items.addObject().put("rank", rank + 1).put("item", iid).put("score", scores[i]);
                if (r.title() != null) it.put("title", r.title().apply(iid));
            }
            return o;
        }
    }

    /** POST /predict: click probabilities of rows in the training format without the label. */
    static final class PredictHandler implements Handler {
        private final ClickModel cm;

        PredictHandler(ClickModel cm) {
            this.cm = cm;
        }

        @Override
        public void describe(ObjectNode health) {
            health.put("format", cm.encoder().format()).put("features", cm.encoder().encoder().names().length);
        }

        @Override
        public ObjectNode handle(HttpExchange ex, String path) throws IOException {
            if (!path.equals("/predict")) throw new HttpError(404, path + ": no such endpoint; use /predict or /health");
            requireMethod(ex, "POST");
            String body = readBody(ex.getRequestBody());
            List<String> lines = Arrays.asList(body.split("\r?\n", -1));
            if (!lines.isEmpty() && lines.getLast().isEmpty()) lines = lines.subList(0, lines.size() - 1);   // a final newline
            if (lines.isEmpty()) throw new HttpError(400, "empty body: send rows without the label column, one per line");
            float[] p = cm.scoreLines(lines);
            ObjectNode o = JSON.createObjectNode();
            ArrayNode a = o.putArray("probabilities");
            for (float v : p) a.add(v);
            return o;
        }

        private static String readBody(InputStream in) throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[1 << 16];
            for (int n; (n = in.read(chunk)) > 0; ) {
                buf.write(chunk, 0, n);
                if (buf.size() > MAX_BODY) throw new HttpError(413, "body over " + (MAX_BODY >> 20) + " MiB: send fewer rows per request");
            }
            return buf.toString(StandardCharsets.UTF_8);
        }
    }
}
