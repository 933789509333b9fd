package dev.zdd.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The server's side of RFC 6455, as much as an events stream needs: reading the HTTP request that asks for the
 * upgrade, answering it (101, or any HTTP status with a JSON body: Docker Cloud refused bad credentials with a 401,
 * which a websocket library's server can't send), and reading and writing frames. Written here rather than taken
 * from a library for that reason.
 */
final class WebSockets {

    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    /** RFC 6455 close codes. */
    static final int GOING_AWAY = 1001;
    static final int POLICY_VIOLATION = 1008;
    static final int TOO_BIG = 1009;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final int END_OF_HEAD = 0x0d0a0d0a; // CR LF CR LF
    /** Clients only send control frames and the odd message, which are ignored: nothing big is ever needed. */
    private static final int MAX_FRAME_BYTES = 64 * 1024;

    private WebSockets() {
    }

    /** The request line and headers (names lower-cased) of an HTTP request. */
    record Request(String method, String target, Map<String, String> headers) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String rawPath() {
            int query = target.indexOf('?');
            return query < 0 ? target : target.substring(0, query);
        }

        String rawQuery() {
            int query = target.indexOf('?');
            return query < 0 ? null : target.substring(query + 1);
        }

        boolean asksForWebSocket() {
            String upgrade = header("Upgrade");
            return upgrade != null && upgrade.equalsIgnoreCase("websocket") && header("Sec-WebSocket-Key") != null;
        }
    }

    /** One frame from the client, unmasked. */
    record Frame(int opcode, byte[] payload) {
    }

    /** Reads a request's head; null if the connection closed first. */
    static Request readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lastFour = 0;
        while (lastFour != END_OF_HEAD) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("request head over " + MAX_HEAD_BYTES + " bytes");
            }
            lastFour = (lastFour << 8) | b;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/")) {
            throw new IOException("not an HTTP request");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        return new Request(requestLine[0], requestLine[1], headers);
    }

    /** Accepts the upgrade. */
    static void accept(OutputStream out, Request request) throws IOException {
        String response = "HTTP/1.1 101 Switching Protocols\r\n"
                          + "Upgrade: websocket\r\n"
                          + "Connection: Upgrade\r\n"
                          + "Sec-WebSocket-Accept: " + acceptKey(request.header("Sec-WebSocket-Key")) + "\r\n\r\n";
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Refuses the request with an HTTP status and Tutum's {@code {"error": ...}} body, then the connection ends. */
    static void refuse(OutputStream out, int status, String reason, String message, Map<String, String> headers)
            throws IOException {
        byte[] body = ("{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " " + reason + "\r\n"
                                               + "Content-Type: application/json\r\n"
                                               + "Content-Length: " + body.length + "\r\n"
                                               + "Connection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    static String acceptKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key.trim() + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** Reads one frame (a fragment counts as one); throws at the end of the stream or for an oversized frame. */
    static Frame readFrame(InputStream in) throws IOException {
        int first = readByte(in);
        int second = readByte(in);
        long length = second & 0x7F;
        if (length == 126) {
            length = (readByte(in) << 8) | readByte(in);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte(in);
            }
        }
        if (length < 0 || length > MAX_FRAME_BYTES) {
            throw new FrameTooBigException();
        }
        byte[] mask = (second & 0x80) != 0 ? in.readNBytes(4) : null;
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length || (mask != null && mask.length < 4)) {
            throw new EOFException();
        }
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
        }
        return new Frame(first & 0x0F, payload);
    }

    /** Writes one unmasked, final frame, as a server does. */
    static void writeFrame(OutputStream out, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 10);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.write(126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xFF);
            }
        }
        frame.write(payload);
        out.write(frame.toByteArray());
        out.flush();
    }

    /** A close frame's payload: the code, then the reason. */
    static byte[] closing(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + Math.min(text.length, 120)];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, payload.length - 2);
        return payload;
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    /** A frame larger than any a client of the events stream has reason to send. */
    static final class FrameTooBigException extends IOException {
        FrameTooBigException() {
            super("frame over " + MAX_FRAME_BYTES + " bytes");
        }
    }
}
