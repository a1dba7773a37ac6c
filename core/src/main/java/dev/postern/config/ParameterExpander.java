package dev.postern.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Works out every parameter's raw and expanded value for one load: explicit settings first,
 * then defaults (literal or derived), following references recursively and refusing loops.
 * Results are memoised for the duration of the load only; the instance is thrown away after.
 */
final class ParameterExpander implements DefaultContext {

    /** An explicit setting: its text as written and where it was written. */
    record Definition(String raw, String origin) {
    }

    private final Map<String, Definition> explicit;
    private final Map<String, String> raw = new HashMap<>();
    private final Map<String, String> expanded = new HashMap<>();
    /** Parameters being expanded right now, outermost first: a repeat is a loop. */
    private final LinkedHashSet<String> active = new LinkedHashSet<>();
    private String machineHostname;

    /** What a {@code $name} in a value may refer to: Postern's parameters, any setting, Postfix's parameters. */
    private final Expander.Lookup references = new Expander.Lookup() {
        @Override
        public String expanded(String name) {
            return defined(name) ? expand(name) : null;
        }

        @Override
        public boolean defined(String name) {
            return Parameters.isKnown(name) || explicit.containsKey(name)
                || PostfixParameters.find(name).filter(PostfixParameter::hasFixedDefault).isPresent();
        }
    };

    ParameterExpander(Map<String, Definition> explicit) {
        this.explicit = explicit;
    }

    /**
     * The expanded value of a known parameter.
     *
     * @throws Expander.Failure naming the parameter whose value cannot be expanded
     */
    @Override
    public String expand(String name) {
        String done = expanded.get(name);
        if (done != null) {
            return done;
        }
        if (!active.add(name)) {
            throw loop(name);
        }
        try {
            String value = compute(name);
            expanded.put(name, value);
            return value;
        } finally {
            active.remove(name);
        }
    }

    /** The raw value of a known parameter (a derived default's computed text); expands it first if needed. */
    String raw(String name) {
        expand(name);
        return raw.get(name);
    }

    @Override
    public boolean isExplicit(String name) {
        return explicit.containsKey(name);
    }

    @Override
    public String machineHostname() {
        if (machineHostname == null) {
            machineHostname = MachineHostname.lookup();
        }
        return machineHostname;
    }

    /** The value as written in main.cf, the environment or an override (the name must be set there). */
    String rawSetting(String name) {
        return explicit.get(name).raw();
    }

    /** Where a parameter's value comes from, for error messages. */
    String origin(String name) {
        Definition definition = explicit.get(name);
        return definition != null ? definition.origin() : "built-in default";
    }

    private String compute(String name) {
        Definition definition = explicit.get(name);
        // A raw parameter's $names belong to the code that uses it (default_rbl_reply's $rbl_domain).
        boolean rawText = Parameters.find(name).map(p -> p.type() == ParameterType.RAW).orElse(false);
        if (definition != null) {
            raw.put(name, definition.raw());
            return rawText ? definition.raw() : Expander.expand(name, definition.raw(), references);
        }
        if (!Parameters.isKnown(name)) {
            // A Postfix parameter main.cf leaves unset ($config_directory): Postfix's default, as Postfix expands it.
            String postfixDefault = PostfixParameters.find(name).orElseThrow().postfixDefault();
            raw.put(name, postfixDefault);
            return Expander.expand(name, postfixDefault, references);
        }
        DefaultValue defaultValue = Parameters.get(name).defaultValue();
        if (defaultValue instanceof DefaultValue.Literal literal) {
            raw.put(name, literal.raw());
            return rawText ? literal.raw() : Expander.expand(name, literal.raw(), references);
        }
        String derived = ((DefaultValue.Derived) defaultValue).compute().apply(this);
        raw.put(name, derived);
        return derived;
    }

    private Expander.Failure loop(String repeated) {
        List<String> cycle = new ArrayList<>();
        boolean inCycle = false;
        for (String name : active) {
            inCycle |= name.equals(repeated);
            if (inCycle) {
                cycle.add(name);
            }
        }
        cycle.add(repeated);
        return new Expander.Failure(repeated, "expansion loop: " + String.join(" -> ", cycle), cycle);
    }
}
