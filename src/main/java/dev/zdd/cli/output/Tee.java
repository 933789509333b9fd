package dev.zdd.cli.output;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * One listener that passes every call on to several, in order: the text progress and the report's events of one
 * run. A proxy rather than a class that names each method, so that a method added to the listener later reaches
 * every one of them instead of being dropped in silence by a tee that was not told.
 */
public final class Tee {

    private Tee() {
    }

    @SafeVarargs
    public static <T> T of(Class<T> type, T... targets) {
        List<T> all = List.of(targets);
        Object tee = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, method, args);
            }
            Object result = null;
            for (T target : all) {
                try {
                    result = method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
            return result;
        });
        return type.cast(tee);
    }

    private static Object objectMethod(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "Tee";
        };
    }
}
