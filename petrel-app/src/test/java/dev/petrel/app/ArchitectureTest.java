package dev.petrel.app;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.members;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.petrel.queue.StorageException;
import dev.petrel.queue.StoredEvent;
import dev.petrel.status.StatusEngine;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package arrows pointing the way mail travels (docs/architecture.md): the status engine
 * is a library on its own (JDK and mime4j only), its low-level parts never reach up to the engine
 * facade or the bounce parser, the application uses only the packages the engine's module-info
 * exports, and only the application package knows everything.
 */
class ArchitectureTest {

  static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.petrel");
  }

  @Test
  void statusEngineDependsOnlyOnTheJdkAndMime4j() {
    classes()
        .that()
        .resideInAPackage("dev.petrel.status..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "javax..", "org.apache.james.mime4j..", "dev.petrel.status..")
        .check(classes);
  }

  @Test
  void theApplicationUsesOnlyTheEnginesApi() throws Exception {
    // On the class path (as here, and when Petrel runs) the module-info does not bind: this does.
    Set<String> exported = exportedByTheEngine();
    List<String> internal = internalToTheEngine();
    assertThat(exported).contains("dev.petrel.status", "dev.petrel.status.bounce");
    assertThat(internal).contains("dev.petrel.status.rules");
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.petrel.status..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(internal.toArray(String[]::new))
        .check(classes);
  }

  @Test
  void theEnginesApiShowsOnlyItsApi() throws Exception {
    // A public method of an exported package that returned an internal type would hand the
    // application the internals the rule above keeps it off.
    Set<String> exported = exportedByTheEngine();
    List<String> internal = internalToTheEngine();
    members()
        .that()
        .arePublic()
        .and()
        .areDeclaredInClassesThat()
        .arePublic()
        .and()
        .areDeclaredInClassesThat()
        .resideInAnyPackage(exported.toArray(String[]::new))
        .should(
            new ArchCondition<JavaMember>("show only types of the engine's exported packages") {
              @Override
              public void check(JavaMember member, ConditionEvents events) {
                List<JavaType> shown = new ArrayList<>();
                if (member instanceof JavaField f) shown.add(f.getType());
                if (member instanceof JavaCodeUnit c) {
                  shown.add(c.getReturnType());
                  shown.addAll(c.getParameterTypes());
                }
                for (JavaType t : shown)
                  for (JavaClass raw : t.getAllInvolvedRawTypes())
                    if (internal.contains(raw.getPackageName()))
                      events.add(
                          SimpleConditionEvent.violated(
                              member,
                              member.getFullName() + " shows the internal " + raw.getName()));
              }
            })
        .check(classes);
  }

  /** The packages the engine's module-info exports to everyone: its API. */
  private static Set<String> exportedByTheEngine() throws Exception {
    return engineModule().exports().stream()
        .filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet());
  }

  /** The engine's other packages: its internals. */
  private static List<String> internalToTheEngine() throws Exception {
    Set<String> exported = exportedByTheEngine();
    return engineModule().packages().stream().filter(p -> !exported.contains(p)).toList();
  }

  /**
   * The engine's module descriptor, from the classes folder or jar its classes were loaded from.
   */
  private static ModuleDescriptor engineModule() throws Exception {
    Path location =
        Path.of(StatusEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return ModuleFinder.of(location).find("dev.petrel.status").orElseThrow().descriptor();
  }

  @Test
  void lowLevelPartsDoNotReachUp() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.petrel.status.data..",
            "dev.petrel.status.reply..",
            "dev.petrel.status.rules..",
            "dev.petrel.status.codes..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.petrel.status.bounce..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("dev.petrel.status.data..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.petrel.status.reply..", "dev.petrel.status.rules..", "dev.petrel.status.codes..")
        .check(classes);
  }

  @Test
  void sharedValuesDependOnNothingOfOurs() {
    noClasses()
        .that()
        .resideInAPackage("dev.petrel.model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.petrel.protocol..",
            "dev.petrel.accept..",
            "dev.petrel.queue..",
            "dev.petrel.accounts..",
            "dev.petrel.domains..",
            "dev.petrel.webhooks..",
            "dev.petrel.deliver..",
            "dev.petrel.report..")
        .check(classes);
  }

  @Test
  void theProtocolGrammarIsPure() {
    noClasses()
        .that()
        .resideInAPackage("dev.petrel.protocol..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.petrel.accept..",
            "dev.petrel.queue..",
            "dev.petrel.accounts..",
            "dev.petrel.domains..",
            "dev.petrel.webhooks..",
            "dev.petrel.deliver..",
            "dev.petrel.report..")
        .check(classes);
  }

  @Test
  void theContentRulesStandOnTheSharedValuesOnly() {
    // Both doors (listener and API) and delivery apply them; they know neither door.
    noClasses()
        .that()
        .resideInAPackage("dev.petrel.content..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.petrel.protocol..",
            "dev.petrel.accept..",
            "dev.petrel.queue..",
            "dev.petrel.accounts..",
            "dev.petrel.domains..",
            "dev.petrel.webhooks..",
            "dev.petrel.deliver..",
            "dev.petrel.report..",
            "dev.petrel.api..")
        .check(classes);
  }

  @Test
  void accountsDomainsAndWebhooksAreValuesAndRolesOfTheStore() {
    // What the store keeps beside the queue: values and the role interfaces the doors, reporting
    // and
    // the application use. Their SQL is the queue's (written in the queue's transactions), so of
    // the
    // queue they know only its failures and its events; they know no stage.
    classes()
        .that()
        .resideInAnyPackage(
            "dev.petrel.accounts..", "dev.petrel.domains..", "dev.petrel.webhooks..")
        .should()
        .onlyDependOnClassesThat(
            resideInAnyPackage(
                    "java..",
                    "org.slf4j..",
                    "dev.petrel.model..",
                    "dev.petrel.accounts..",
                    "dev.petrel.domains..",
                    "dev.petrel.webhooks..")
                .or(assignableTo(StorageException.class))
                .or(type(StoredEvent.class)))
        .check(classes);
    // An account is the root: it knows neither its sender domains nor its webhooks.
    noArrows("dev.petrel.accounts..", "dev.petrel.domains..", "dev.petrel.webhooks..");
    // Delivery reports facts about a transfer; whose mail it was and who hears of it is not its
    // business.
    noArrows(
        "dev.petrel.deliver..",
        "dev.petrel.accounts..",
        "dev.petrel.domains..",
        "dev.petrel.webhooks..");
  }

  /** No class in {@code from} depends on a class in any of {@code to}. */
  private static void noArrows(String from, String... to) {
    noClasses()
        .that()
        .resideInAPackage(from)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(to)
        .check(classes);
  }

  @Test
  void arrowsPointAlongTheFlow() {
    // accept → queue → deliver → report: nothing reaches back to an earlier stage.
    noClasses()
        .that()
        .resideInAPackage("dev.petrel.queue..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.petrel.accept..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("dev.petrel.deliver..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.petrel.accept..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void laterStagesNeverReachBack() {
    // The listener ends at a durable commit: it knows neither delivery nor reporting.
    noClasses()
        .that()
        .resideInAPackage("dev.petrel.accept..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.petrel.deliver..", "dev.petrel.report..", "dev.petrel.schedule..")
        .check(classes);
    // The store owns message state and nothing else: no delivery, reporting or scheduling.
    noClasses()
        .that()
        .resideInAPackage("dev.petrel.queue..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.petrel.deliver..", "dev.petrel.report..", "dev.petrel.schedule..")
        .check(classes);
    // The scheduler drives delivery and reporting; they report facts back through return values
    // and observers, never by calling it.
    noClasses()
        .that()
        .resideInAnyPackage("dev.petrel.deliver..", "dev.petrel.report..", "dev.petrel.api..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.petrel.schedule..")
        .check(classes);
  }

  @Test
  void onlyTheApplicationKnowsTheApplication() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.petrel.app..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.petrel.app..")
        .check(classes);
  }

  @Test
  void theHttpApiIsAWayInThatNothingElseDependsOn() {
    // The API sits beside the listener (sharing its SMTP login store): it uses the queue, the
    // reports and the engine, never the delivery client, and only the application wires it in.
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.petrel.api..", "dev.petrel.app..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.petrel.api..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("dev.petrel.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.petrel.deliver..")
        .allowEmptyShould(true)
        .check(classes);
  }
}
