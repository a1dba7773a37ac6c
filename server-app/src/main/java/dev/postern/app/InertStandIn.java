package dev.postern.app;

import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A stand-in for a service that {@code postern check} must not use for real because it writes
 * (the mail queue, the mail repositories under {@code var/}): every call does nothing and returns
 * an empty answer, another stand-in for an interface, or null. Mailets ask for their queue or
 * repository at init and use it only for mail, which check never has.
 */
final class InertStandIn {
    private InertStandIn() {
    }

    static <T> T of(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
            switch (method.getName()) {
                case "toString" -> "check's stand-in " + type.getSimpleName();
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> empty(method.getReturnType());
            }));
    }

    private static Object empty(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class) {
            return type == long.class ? (Object) 0L : type == int.class ? (Object) 0 : type == short.class ? (Object) (short) 0
                : (Object) (byte) 0;
        }
        if (type == double.class || type == float.class) {
            return type == double.class ? (Object) 0.0 : (Object) 0.0f;
        }
        if (type == char.class) {
            return '\0';
        }
        if (type == Optional.class) {
            return Optional.empty();
        }
        if (type == Stream.class) {
            return Stream.empty();
        }
        if (type == Set.class) {
            return Set.of();
        }
        if (type == List.class || type == Collection.class || type == Iterable.class) {
            return List.of();
        }
        if (type == Map.class) {
            return Map.of();
        }
        if (type.isInterface()) {
            return of(type);
        }
        return null;
    }
}
