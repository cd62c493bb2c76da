/// The forenames most often given in England and Wales to the people a region's records are
/// about (born from the mid-1960s to the late 2010s): 328 names from the ONS top-100 rankings
/// of baby names for boys and girls across those years, merged by hand into a fixed list.
///
/// A different surname with the same forename and full date of birth is a step-parent's
/// name, a marriage or a slip for an uncommon forename, and a coincidence for a common one:
/// thousands of Jacks and Olivias share a birthday in England. So a lookup reports such a
/// record as a `possible` only when its forename is not on this list. The list is fixed, not
/// learnt from a node's own records, so every node of a region decides alike.
package enum CommonForenames {
    /// Whether a forename, as typed, is on the list once normalised.
    package static func contains(_ forenames: String) -> Bool {
        normalised.contains(NameNormaliser.forename(forenames))
    }

    /// The list, each name through `NameNormaliser.forename`, so spellings the normaliser
    /// maps together count as one.
    static let normalised: Set<String> = Set(names.map(NameNormaliser.forename))

    /// The names as published.
    static let names: [String] = [
        // Boys, born from the 1990s on.
        "Jack", "Thomas", "Joshua", "Oliver", "Harry", "James", "William", "Samuel", "Daniel", "Charlie", "Benjamin", "Joseph",
        "Callum", "George", "Jake", "Alfie", "Luke", "Matthew", "Ethan", "Lewis", "Jacob", "Mohammed", "Muhammad", "Dylan",
        "Alexander", "Ryan", "Adam", "Tyler", "Harvey", "Max", "Cameron", "Liam", "Jamie", "Leo", "Owen", "Connor", "Harrison",
        "Nathan", "Ben", "Henry", "Archie", "Edward", "Michael", "Aaron", "Kyle", "Noah", "Oscar", "Lucas", "Rhys", "Bradley",
        "Mason", "Kieran", "Finley", "Isaac", "Reece", "Jayden", "Charles", "Logan", "Louis", "Riley", "Jordan", "Toby",
        "Christopher", "Elliot", "Theo", "Freddie", "Ashley", "Andrew", "Aidan", "Brandon", "Kai", "Joe", "Zachary", "David",
        "Billy", "Bailey", "Sebastian", "Dominic", "Declan", "Evan", "Jay", "Morgan", "Corey", "Arthur", "Jude", "Finn", "Ollie",
        "Reuben", "Jenson", "Teddy", "Ronnie", "Tommy", "Louie", "Frankie", "Stanley", "Albert", "Elijah", "Hugo", "Rory",
        "Frederick", "Luca", "Austin", "Caleb", "Ellis", "Bobby", "Sonny", "Jackson", "Robert", "Leon", "Nathaniel", "Tom", "Sam",
        "Alex", "Josh", "Kian", "Jensen", "Jasper", "Carter", "Gabriel", "Zack", "Aiden",
        // Boys, born from the 1960s to the 1980s.
        "John", "Paul", "Mark", "Stephen", "Ian", "Richard", "Peter", "Simon", "Anthony", "Kevin", "Gary", "Martin", "Philip",
        "Alan", "Neil", "Nigel", "Timothy", "Colin", "Graham", "Jason", "Lee", "Darren", "Wayne", "Craig", "Carl", "Dean", "Scott",
        "Jonathan", "Stuart", "Gareth", "Shaun", "Sean", "Nicholas", "Keith", "Barry", "Brian", "Trevor", "Terry", "Tony", "Steve",
        "Dave", "Chris", "Matt", "Russell", "Glen", "Adrian", "Robin", "Roger", "Julian", "Kenneth", "Malcolm", "Raymond",
        // Girls, born from the 1990s on.
        "Olivia", "Amelia", "Emily", "Isla", "Ava", "Jessica", "Isabella", "Lily", "Ella", "Mia", "Sophie", "Sophia", "Chloe",
        "Grace", "Evie", "Poppy", "Charlotte", "Ruby", "Lucy", "Holly", "Hannah", "Daisy", "Freya", "Megan", "Lauren", "Ellie",
        "Amy", "Katie", "Emma", "Rebecca", "Bethany", "Georgia", "Abigail", "Phoebe", "Millie", "Scarlett", "Matilda", "Harriet",
        "Eva", "Alice", "Florence", "Rosie", "Sienna", "Imogen", "Erin", "Caitlin", "Niamh", "Leah", "Molly", "Layla", "Maisie",
        "Zara", "Amber", "Jasmine", "Eleanor", "Elizabeth", "Isabelle", "Summer", "Lilly", "Elsie", "Maya", "Willow", "Esme",
        "Evelyn", "Aaliyah", "Nicole", "Jade", "Paige", "Shannon", "Courtney", "Danielle", "Samantha", "Jodie", "Natasha",
        "Kayleigh", "Zoe", "Abbie", "Aimee", "Anna", "Sarah", "Laura", "Gemma", "Kirsty", "Stacey", "Hayley", "Amelie", "Ivy",
        "Mollie", "Heidi", "Lola", "Darcey", "Lexi", "Keira", "Tia", "Brooke", "Madison", "Lacey", "Libby", "Francesca",
        "Victoria", "Jennifer", "Naomi", "Rachel", "Alisha", "Casey", "Jorja", "Eliza", "Aisha", "Maryam", "Emilia",
        // Girls, born from the 1960s to the 1980s.
        "Claire", "Nicola", "Lisa", "Joanne", "Michelle", "Helen", "Karen", "Amanda", "Louise", "Julie", "Clare", "Sharon",
        "Caroline", "Susan", "Alison", "Catherine", "Deborah", "Donna", "Tracey", "Tracy", "Jane", "Kelly", "Angela", "Kerry",
        "Natalie", "Dawn", "Kate", "Leanne", "Joanna", "Wendy", "Jacqueline", "Elaine", "Julia", "Sally", "Sandra",
        "Carol", "Diane", "Mandy", "Melanie", "Anne", "Fiona", "Ruth", "Lynn", "Sonia", "Jenny",
    ]
}
